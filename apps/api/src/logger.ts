import type { AppConfig } from '@rrl/config';
import type { Params } from 'nestjs-pino';
import type { ApiLogTap } from './live/api-log-tap';

/**
 * JSON lines (pino) in production, pino-pretty when logging.pretty; Nest's own Logger calls go
 * through the same pino instance.
 *
 * No per-request middleware (pino-http's child logger per request): it cost about 20 % of a cache
 * hit's throughput over HTTP (`npm run bench`: ratio 0.73 with it, 0.94 without). Request lines
 * come from ApiExceptionFilter instead: 4xx at warn, 5xx at error; successful requests are not
 * logged, and every Redis, breaker and database state change is logged by its owner.
 */
export function loggerParams(config: AppConfig, tap?: ApiLogTap): Params {
  return {
    pinoHttp: {
      level: config.logging.level,
      // The live feed's `api` log target (apps/api/src/live): every written line, as written.
      ...(tap ? { hooks: { streamWrite: tap.streamWrite } } : {}),
      transport: config.logging.pretty
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    forRoutes: [],
  };
}
