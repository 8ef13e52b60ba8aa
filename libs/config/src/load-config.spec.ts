import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('keeps the seed defaults and picks the embedded default when nothing is configured', () => {
    const c = loadConfig({ env: {} });
    expect(c.port).toBe(8000);
    expect(c.redis.connection).toMatchObject({ maxRetries: 10, retryDelay: 1000, reconnectOnError: true });
    expect(c.redis.caching).toMatchObject({ ttl: 360, keyPrefix: 'user:' });
    expect(c.redis.resilience).toMatchObject({ stuckRetryThreshold: 50, autoResetInterval: 30000 });
    expect(c.redis.connection.commandTimeout).toBeLessThanOrEqual(500);
    expect(c.redisMode).toBe('managed');
    expect(c.databaseDriver).toBe('sqlite');
  });

  it('applies the seed environment names', () => {
    const c = loadConfig({
      env: {
        REDIS_HOST: 'cache',
        REDIS_PORT: '6380',
        REDIS_MAX_RETRIES: '3',
        MYSQL_HOST: 'db',
        MYSQL_DATABASE: 'app',
        MYSQL_USER: 'u',
        MYSQL_PASSWORD: 'p',
        PORT: '9000',
        REDIS_TLS: 'true',
      },
    });
    expect(c).toMatchObject({ port: 9000, redisMode: 'external', databaseDriver: 'mysql' });
    expect(c.redis).toMatchObject({ host: 'cache', port: 6380, tls: { enabled: true } });
    expect(c.redis.connection.maxRetries).toBe(3);
    expect(c.mysql).toMatchObject({ host: 'db', database: 'app', user: 'u', password: 'p' });
  });

  it('layers CONFIG_FILE over the defaults and env over the file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-cfg-')), 'lab.json');
    fs.writeFileSync(file, JSON.stringify({ port: 7000, redis: { caching: { ttl: 60 } } }));
    const c = loadConfig({ env: { CONFIG_FILE: file, PORT: '7100' } });
    expect(c.port).toBe(7100);
    expect(c.redis.caching.ttl).toBe(60);
    expect(c.redis.caching.keyPrefix).toBe('user:');
  });

  it('rejects the boot with one message listing every bad value and where it came from', () => {
    let error: unknown;
    try {
      loadConfig({ env: { PORT: 'eighty', REDIS_MAX_RETRIES: '-1', REDIS_TLS: 'maybe', LOG_LEVEL: 'loud' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('4 problems');
    expect(message).toMatch(/port \(from PORT\)/);
    expect(message).toMatch(/redis\.connection\.maxRetries \(from REDIS_MAX_RETRIES\)/);
    expect(message).toMatch(/redis\.tls\.enabled \(from REDIS_TLS\)/);
    expect(message).toMatch(/logging\.level \(from LOG_LEVEL\)/);
  });

  it('takes the log format from LOG_FORMAT and refuses an unknown one or the removed LOG_PRETTY, naming LOG_FORMAT', () => {
    expect(loadConfig({ env: {} }).logging.format).toBe('auto');
    expect(loadConfig({ env: { LOG_FORMAT: 'pretty' } }).logging.format).toBe('pretty');
    expect(() => loadConfig({ env: { LOG_FORMAT: 'colour' } })).toThrow(/logging\.format \(from LOG_FORMAT\)/);
    expect(() => loadConfig({ env: { LOG_PRETTY: 'true' } })).toThrow(
      /logging\.pretty \(from LOG_PRETTY\): removed: use logging\.format \(LOG_FORMAT\) "auto", "json" or "pretty"/,
    );
  });

  it('names a missing TLS CA file', () => {
    expect(() => loadConfig({ env: { REDIS_HOST: 'x', REDIS_TLS: '1', REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' } })).toThrow(
      /caFile: file not found/,
    );
  });
});
