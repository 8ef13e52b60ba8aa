import { Writable } from 'node:stream';
import { loadConfig } from '@rrl/config';
import { loggerSetup, resolveLogFormat } from './logger';

describe('log format', () => {
  it('auto: readable lines for a terminal, JSON lines for anything else; json and pretty are forced', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('builds a plain pino config for JSON and a pino-pretty stream for a terminal', () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' } });
    const json = loggerSetup(config, false);
    expect(json.options).toEqual({ level: 'warn', redact: expect.any(Array), hooks: { streamWrite: expect.any(Function) } });
    expect(json.stream).toBeUndefined();

    const pretty = loggerSetup(config, true);
    expect(pretty.options).toEqual({ ...json.options, hooks: { streamWrite: expect.any(Function) } });
    expect(pretty.stream).toBeInstanceOf(Writable);
  });

  it('every line loses the configured secrets before it is written, JSON-escaped ones too', () => {
    const config = loadConfig({ env: { CHAOS_TOKEN: 'a-token-of-my-own-0123', MYSQL_PASSWORD: 'my"sql\\pw' } });
    const line = JSON.stringify({ msg: 'token a-token-of-my-own-0123, password my"sql\\pw' });
    const write = loggerSetup(config, false).options.hooks!.streamWrite!;
    expect(write(line)).toBe(JSON.stringify({ msg: 'token ***, password ***' }));
  });
});
