import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { PinoLoggerService } from './pino-logger.service';

/** A PinoLoggerService writing JSON lines into an array, at the given pino level. */
function capture(level = 'info'): { lines: Record<string, unknown>[]; service: PinoLoggerService } {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { lines, service: new PinoLoggerService(pino({ level }, destination)) };
}

describe('PinoLoggerService', () => {
  it("writes Nest's calls as pino lines with the context and the level", () => {
    const { lines, service } = capture();
    service.log('ready on port 8000', 'Bootstrap');
    service.warn('GET /api/users/x -> 400', 'HTTP');
    service.log('no context');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, context: 'Bootstrap', msg: 'ready on port 8000' }),
      expect.objectContaining({ level: 40, context: 'HTTP', msg: 'GET /api/users/x -> 400' }),
      expect.objectContaining({ level: 30, msg: 'no context' }),
    ]);
    expect(lines[2]).not.toHaveProperty('context');
  });

  it('keeps an error and a stack as one serialized error', () => {
    const { lines, service } = capture();
    service.error(new Error('connection refused'), 'Redis');
    service.error('Unhandled', 'Error: boom\n    at handler (app.ts:1:1)', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 50, context: 'Redis', err: { message: 'connection refused', type: 'Error' } });
    expect(lines[1]).toMatchObject({ level: 50, context: 'ExceptionsHandler', err: { message: 'Unhandled' } });
    expect((lines[1].err as { stack: string }).stack).toContain('at handler (app.ts:1:1)');
  });

  it('merges an object message into the line', () => {
    const { lines, service } = capture();
    service.log({ msg: 'breaker open', key: 'user:1' }, 'Cache');
    expect(lines[0]).toMatchObject({ level: 30, context: 'Cache', key: 'user:1', msg: 'breaker open' });
  });

  it("drops what is below pino's level", () => {
    const { lines, service } = capture('warn');
    service.log('info line', 'X');
    service.debug('debug line', 'X');
    service.verbose('trace line', 'X');
    service.warn('warn line', 'X');
    expect(lines.map((l) => l.msg)).toEqual(['warn line']);
  });

  it("receives Nest's Logger calls once installed with Logger.overrideLogger", () => {
    const { lines, service } = capture();
    Logger.overrideLogger(service);
    try {
      new Logger('RedisConnection').warn('Redis down');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines).toEqual([expect.objectContaining({ level: 40, context: 'RedisConnection', msg: 'Redis down' })]);
  });
});
