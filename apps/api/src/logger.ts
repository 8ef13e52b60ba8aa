import type { AppConfig } from '@rrl/config';
import type { Params } from 'nestjs-pino';

/**
 * JSON lines in production, pino-pretty when logging.pretty. Successful requests log at debug
 * (off at the default info level) so the hot read path pays nothing for logging.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logging.level,
      transport: config.logging.pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      quietReqLogger: true,
    },
  };
}
