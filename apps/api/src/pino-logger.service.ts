import type { LoggerService } from '@nestjs/common';
import type { Level, Logger as Pino } from 'pino';

/**
 * Nest's LoggerService on one pino logger: Nest's own lines and every `new Logger(context)` call
 * become one pino line with a `context` field, the same shape nestjs-pino wrote.
 *
 * Written by hand because nestjs-pino no longer fits the supported runtimes: 5.x declares
 * node >= 22.12 and 4.x does not accept Nest 12. The app used only this part of it (no request
 * middleware, see logger.ts), which is the few lines below.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes the logger's context as the last parameter; anything before it goes to pino as
    // printf-style arguments.
    const fields: Record<string, unknown> = params.length > 0 ? { context: params[params.length - 1] } : {};
    const args = params.slice(0, -1);
    const log = (obj: object, ...rest: unknown[]): void => {
      Reflect.apply(this.pino[level], this.pino, [obj, ...rest]);
    };
    if (message instanceof Error) log({ ...fields, err: message }, ...args);
    else if (typeof message === 'object' && message !== null) log({ ...fields, ...message }, ...args);
    else if (level === 'error' && isStack(args)) {
      // Nest's exception handlers call error(message, stack, context): one line with one error.
      const err = new Error(String(message));
      err.stack = args[0];
      log({ ...fields, err });
    } else log(fields, String(message), ...args);
  }
}

function isStack(args: unknown[]): args is [string] {
  return args.length === 1 && typeof args[0] === 'string' && /\n\s*at /.test(args[0]);
}
