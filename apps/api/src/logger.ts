import type { AppConfig } from '@rrl/config';
import type { Params } from 'nestjs-pino';
import pinoPretty from 'pino-pretty';
import type { ApiLogTap } from './live/api-log-tap';

export type LogFormat = 'json' | 'pretty';

/**
 * logging.format "auto": a person at a terminal reads lines, anything else reading stdout (a pipe,
 * a file, docker's log driver, a collector) gets one JSON object per line.
 */
export function resolveLogFormat(format: AppConfig['logging']['format'], stdoutIsTty: boolean): LogFormat {
  return format === 'auto' ? (stdoutIsTty ? 'pretty' : 'json') : format;
}

/**
 * pino through nestjs-pino; Nest's own Logger calls go through the same pino instance. Readable
 * lines come from pino-pretty as an in-process stream (sync), not a transport: no worker thread,
 * and nothing is lost when the process exits right after a line (a failed boot).
 *
 * No per-request middleware (pino-http's child logger per request): it cost about 20 % of a cache
 * hit's throughput over HTTP (`npm run bench`: ratio 0.73 with it, 0.94 without). Request lines
 * come from ApiExceptionFilter instead: 4xx at warn, 5xx at error; successful requests are not
 * logged, and every Redis, breaker and database state change is logged by its owner.
 */
export function loggerParams(config: AppConfig, stdoutIsTty = process.stdout.isTTY === true, tap?: ApiLogTap): Params {
  const options = {
    level: config.logging.level,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    // The live feed's `api` log target (apps/api/src/live): every line as pino writes it.
    ...(tap ? { hooks: { streamWrite: tap.streamWrite } } : {}),
  };
  const format = resolveLogFormat(config.logging.format, stdoutIsTty);
  return {
    pinoHttp:
      format === 'pretty'
        ? [
            options,
            pinoPretty({
              sync: true,
              singleLine: true,
              translateTime: 'SYS:HH:MM:ss.l',
              ignore: 'pid,hostname,context',
              messageFormat: '{if context}[{context}] {end}{msg}',
            }),
          ]
        : options,
    forRoutes: [],
  };
}
