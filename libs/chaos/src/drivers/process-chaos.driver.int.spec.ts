import type { LogLine } from '@rrl/contracts';
import { Redis } from 'ioredis';
import { MariaDbProcess, pingOnce, waitFor } from '@rrl/testing';
import mysql from 'mysql2/promise';
import { RedisServerProcess } from '../process';
import { ProcessChaosDriver } from './process-chaos.driver';

describe('ProcessChaosDriver (real redis-server processes)', () => {
  let server: RedisServerProcess;
  let id: string;
  const driver = new ProcessChaosDriver();
  const state = async () => (await driver.inspect(id)).state;

  beforeAll(async () => {
    server = await RedisServerProcess.start({ password: 'chaos-pw' });
    id = driver.register(server, 'redis').id;
  });
  afterAll(() => server?.kill());

  const ping = (timeoutMs?: number) => pingOnce(server.port, { password: 'chaos-pw', timeoutMs });

  it('lists registered processes with their endpoint; unknown ids are 404', async () => {
    expect(await driver.list()).toEqual([
      {
        id: `redis-${server.port}`,
        name: `redis-${server.port}`,
        kind: 'redis',
        driver: 'process',
        state: 'running',
        endpoint: { host: '127.0.0.1', port: server.port },
        labels: {},
      },
    ]);
    await expect(driver.kill('redis-1')).rejects.toMatchObject({ statusCode: 404, code: 'TARGET_NOT_FOUND' });
  });

  it('kill crashes it; start brings it back on the same port with the same password', async () => {
    await driver.kill(id);
    expect(await state()).toBe('exited');
    await expect(ping()).rejects.toThrow(/ECONNREFUSED/);
    await driver.start(id);
    expect(await state()).toBe('running');
    expect(await ping()).toBe('PONG');
    await expect(pingOnce(server.port)).rejects.toThrow(/NOAUTH/);
  });

  it('stop and start are idempotent', async () => {
    await driver.stop(id);
    await driver.stop(id);
    expect(await state()).toBe('stopped');
    await driver.start(id);
    await driver.start(id);
    expect(await state()).toBe('running');
    expect(await ping()).toBe('PONG');
  });

  it('restart stays down for the downtime, then serves on the same port', async () => {
    const t0 = Date.now();
    const restarting = driver.restart(id, 1000);
    await waitFor('process stopped', async () => (await state()) !== 'running');
    await expect(ping(300)).rejects.toThrow();
    await restarting;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(await ping()).toBe('PONG');
  });

  it('pause (SIGSTOP) leaves the connection open but silent; unpause answers', async () => {
    const live = new Redis({
      port: server.port,
      password: 'chaos-pw',
      lazyConnect: true, // connected below, before the pause
      commandTimeout: 400, // a stopped process never answers
      maxRetriesPerRequest: 0, // report the timeout instead of retrying
      retryStrategy: () => null, // this very connection must survive the pause
      enableOfflineQueue: false, // the connection stays up: nothing to queue
    });
    live.on('error', () => undefined); // failures surface through the rejected commands
    try {
      await live.connect();
      await driver.pause(id);
      expect(await state()).toBe('paused');
      await expect(live.ping()).rejects.toThrow(/timed out/i);
      await driver.unpause(id);
      expect(await state()).toBe('running');
      expect(await live.ping()).toBe('PONG');
    } finally {
      live.disconnect();
    }
    await driver.stop(id);
    await expect(driver.pause(id)).rejects.toMatchObject({ statusCode: 409 });
    await driver.start(id);
  });

  it('tails the output and follows it across restarts', async () => {
    expect((await driver.logs(id, 5)).length).toBeLessThanOrEqual(5);
    expect((await driver.logs(id, 50)).some((l) => /Ready to accept connections/.test(l.line))).toBe(true);
    const lines: LogLine[] = [];
    const follower = driver.followLogs(id, (l) => lines.push(l));
    await driver.restart(id, 100);
    await driver.restart(id, 100);
    follower.close();
    expect(lines.filter((l) => /Ready to accept connections/.test(l.line))).toHaveLength(2);
    expect(lines.some((l) => /ready to exit|shutdown/i.test(l.line))).toBe(true);
    await driver.restart(id, 0);
    expect(lines.filter((l) => /Ready to accept connections/.test(l.line))).toHaveLength(2); // closed: no more lines
  });

  it('rotates the Redis password live; a restart brings the configured one back', async () => {
    await driver.setRedisPassword(id, 'rotated');
    await expect(ping()).rejects.toThrow(/WRONGPASS/);
    expect(await pingOnce(server.port, { password: 'rotated' })).toBe('PONG');
    await driver.restart(id, 0);
    expect(await ping()).toBe('PONG');
  });

  it('drives a MariaDB process as a mysql target: an outage and a recovery on the same port', async () => {
    const db = await MariaDbProcess.start();
    const driver = new ProcessChaosDriver(); // its own: the shared one keeps listing only redis-server
    try {
      const target = driver.register(db, 'mysql');
      expect(target).toMatchObject({ kind: 'mysql', state: 'running', endpoint: { host: '127.0.0.1', port: db.port } });
      const query = async () => {
        const conn = await mysql.createConnection({ host: '127.0.0.1', port: db.port, user: 'root', connectTimeout: 1000 });
        try {
          const [rows] = await conn.query('SELECT 1 AS one');
          return rows;
        } finally {
          await conn.end();
        }
      };
      expect(await query()).toEqual([{ one: 1 }]);
      await driver.kill(target.id);
      await expect(query()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await driver.start(target.id);
      expect(await query()).toEqual([{ one: 1 }]);
      await expect(driver.setRedisPassword(target.id, 'x')).rejects.toMatchObject({ statusCode: 409 });
    } finally {
      await db.kill();
    }
  }, 60_000);
});
