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
    expect(json.options).toEqual({ level: 'warn', redact: expect.any(Array) });
    expect(json.stream).toBeUndefined();

    const pretty = loggerSetup(config, true);
    expect(pretty.options).toEqual(json.options);
    expect(pretty.stream).toBeInstanceOf(Writable);
  });
});
