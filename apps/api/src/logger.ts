import type { AppConfig } from '@rrl/config';
import type { LoggerOptions } from 'pino';

/**
 * JSON lines (pino) in production, pino-pretty when logging.pretty; Nest's own Logger calls go
 * through the same pino instance (PinoLoggerService).
 *
 * No per-request logging (pino-http's child logger per request): it cost about 20 % of a cache
 * hit's throughput over HTTP (`npm run bench`: ratio 0.73 with it, 0.94 without). Request lines
 * come from ApiExceptionFilter instead: 4xx at warn, 5xx at error; successful requests are not
 * logged, and every Redis, breaker and database state change is logged by its owner.
 */
export function loggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logging.level,
    transport: config.logging.pretty
      ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
      : undefined,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
}
