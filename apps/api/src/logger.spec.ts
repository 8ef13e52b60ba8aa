import { Writable } from 'node:stream';
import { loadConfig } from '@rrl/config';
import type pino from 'pino';
import { loggerParams, resolveLogFormat } from './logger';

describe('log format', () => {
  it('auto: readable lines for a terminal, JSON lines for anything else; json and pretty are forced', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('builds a plain pino config for JSON and a pino-pretty stream for a terminal', () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' } });
    const json = loggerParams(config, false).pinoHttp;
    expect(json).toEqual({ level: 'warn', redact: expect.any(Array) });

    const pretty = loggerParams(config, true).pinoHttp;
    expect(Array.isArray(pretty)).toBe(true);
    const [options, stream] = pretty as [pino.LoggerOptions, NodeJS.WritableStream];
    expect(options).toEqual(json);
    expect(stream).toBeInstanceOf(Writable);
  });
});
