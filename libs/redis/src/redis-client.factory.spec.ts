import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@rrl/config';
import { buildRedisOptions, describeRedisEndpoint, redisSecrets, resolveRedisTarget } from './redis-client.factory';

const hooks = { retryStrategy: () => 123 };
const config = (redis: Record<string, unknown>) => loadConfig({ env: {}, overrides: { redis } });

describe('redis client factory', () => {
  it('maps the connection settings to fail-fast ioredis options', () => {
    const options = buildRedisOptions(config({ host: 'cache.internal', port: 6380, db: 3, password: 'pw' }), hooks);
    expect(options).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      db: 3,
      password: 'pw',
      tls: undefined,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 10,
      connectTimeout: 2000,
      commandTimeout: 500,
      disconnectTimeout: 500,
      keepAlive: 10000,
    });
    expect(options.retryStrategy?.(99)).toBe(123);
  });

  it('reconnects on READONLY only when reconnectOnError is on', () => {
    const on = buildRedisOptions(config({}), hooks).reconnectOnError!;
    expect(on(new Error("READONLY You can't write against a read only replica."))).toBe(1);
    expect(on(new Error('ERR wrong type'))).toBe(false);
    expect(buildRedisOptions(config({ connection: { reconnectOnError: false } }), hooks).reconnectOnError).toBeNull();
  });

  it('connects to 127.0.0.1 when no host is configured (managed mode before the host is filled in)', () => {
    expect(resolveRedisTarget(config({})).host).toBe('127.0.0.1');
  });

  it('lets the URL win over host/port and keeps configured credentials when the URL has none', () => {
    const cfg = config({ url: 'rediss://db.example:6390/4', host: 'ignored', username: 'app', password: 'pw' });
    expect(resolveRedisTarget(cfg)).toEqual({ host: 'db.example', port: 6390, db: 4, username: 'app', password: 'pw', tls: true });
    const withCreds = config({ url: 'redis://u%40x:p%3Aw@10.0.0.5' });
    expect(resolveRedisTarget(withCreds)).toMatchObject({ host: '10.0.0.5', port: 6379, username: 'u@x', password: 'p:w', tls: false });
    expect(redisSecrets(withCreds)).toEqual(['p:w']);
  });

  it('describes the endpoint without credentials', () => {
    expect(describeRedisEndpoint(config({ url: 'redis://app:hunter2@db.example:6390/1' }))).toBe('redis://db.example:6390/1');
    expect(describeRedisEndpoint(config({ host: '::1', port: 7000 }))).toBe('redis://[::1]:7000/0');
  });

  it('reads the CA file and sets SNI only for host names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-ca-'));
    const caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, 'PEM');
    try {
      const byName = buildRedisOptions(config({ host: 'redis.example', tls: { enabled: true, caFile, rejectUnauthorized: false } }), hooks);
      expect(byName.tls).toEqual({ ca: Buffer.from('PEM'), rejectUnauthorized: false, servername: 'redis.example' });
      const byIp = buildRedisOptions(config({ host: '127.0.0.1', tls: { enabled: true } }), hooks);
      expect(byIp.tls).toEqual({ rejectUnauthorized: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in Sentinel mode asks the sentinels for the master, watches +switch-master and keeps the sentinel credentials apart', () => {
    const sentinel = {
      nodes: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      masterName: 'cache',
      username: 'watcher',
      password: 'sentinel-pw',
    };
    const c = config({ password: 'data-pw', sentinel, tls: { enabled: true } });
    const options = buildRedisOptions(c, hooks);
    expect(options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'cache',
      role: 'master',
      password: 'data-pw',
      sentinelUsername: 'watcher',
      sentinelPassword: 'sentinel-pw',
      failoverDetector: true,
      enableTLSForSentinelMode: true,
      sentinelCommandTimeout: 500,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    // The master is not known in advance: no SNI name taken from the (ignored) host setting.
    expect(options.tls).not.toHaveProperty('servername');
    expect(options.sentinelTLS).toMatchObject({ rejectUnauthorized: true });
    // No sentinel answering fails the attempt, so our backoff (not an unseen loop inside ioredis) schedules the next.
    expect(options.sentinelRetryStrategy?.(1)).toBeNull();
    expect(options.reconnectOnError?.(new Error("READONLY You can't write against a read only replica."))).toBe(1);
    expect(describeRedisEndpoint(c)).toBe('rediss+sentinel://s1:26379,[::1]:26380/cache/0');
    expect(redisSecrets(c)).toEqual(expect.arrayContaining(['data-pw', 'sentinel-pw']));
  });

  it('without sentinels sets no Sentinel option', () => {
    const options = buildRedisOptions(config({ host: 'h' }), hooks);
    expect(options).not.toHaveProperty('sentinels');
    expect(options).not.toHaveProperty('failoverDetector');
  });
});
