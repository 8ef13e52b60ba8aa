import { redactSecrets } from '@rrl/common';
import { configSecrets, type AppConfig } from '@rrl/config';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
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
 * One pino logger; Nest's own Logger calls go through it (PinoLoggerService). Readable
 * lines come from pino-pretty as an in-process stream (sync), not a transport: no worker thread,
 * and nothing is lost when the process exits right after a line (a failed boot).
 *
 * No per-request middleware (pino-http's child logger per request): it cost about 20 % of a cache
 * hit's throughput over HTTP (`npm run bench`: ratio 0.73 with it, 0.94 without). Request lines
 * come from ApiExceptionFilter instead: 4xx at warn, 5xx at error; successful requests are not
 * logged, and every Redis, breaker and database state change is logged by its owner.
 */
export function loggerSetup(
  config: AppConfig,
  stdoutIsTty = process.stdout.isTTY === true,
  tap?: ApiLogTap,
): { options: LoggerOptions; stream?: DestinationStream } {
  const secrets = configSecrets(config);
  // Every line, whoever wrote it and whatever it quotes (a driver's error, a URL), loses the configured
  // secrets before it reaches stdout or the live feed's `api` log target (apps/api/src/live).
  const redact = (s: string) => redactSecrets(s, secrets);
  const options: LoggerOptions = {
    level: config.logging.level,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    hooks: { streamWrite: tap ? (s) => tap.streamWrite(redact(s)) : redact },
  };
  if (resolveLogFormat(config.logging.format, stdoutIsTty) === 'json') return { options };
  const stream = pinoPretty({
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
  return { options, stream };
}

/** The app's pino logger, as loggerSetup describes it. */
export function createPinoLogger(config: AppConfig, stdoutIsTty?: boolean, tap?: ApiLogTap): Logger {
  const { options, stream } = loggerSetup(config, stdoutIsTty, tap);
  return stream ? pino(options, stream) : pino(options);
}
