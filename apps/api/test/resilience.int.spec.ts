import type { ApiErrorBody, CacheStats, RedisStatus, UserDto } from '@rrl/contracts';
import { createTestDatabase, MariaDbProcess, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { Redis } from 'ioredis';
import { percentile, startLab, type Lab } from './support/lab';
import { read, readers, type ReadOutcome } from './support/readers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('resilience through the HTTP API under concurrent reads (real redis-server, real MariaDB)', () => {
  let redis: RedisServerProcess;
  let db: TestDatabase;
  let lab: Lab;
  const ids: number[] = [];

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    db = await createTestDatabase();
    lab = await startLab({ redis: { port: redis.port }, mysql: db });
    await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
    for (let i = 0; i < 20; i++) {
      ids.push((await lab.send<UserDto>('POST', '/api/users', { name: `Reader ${i}`, email: `reader${i}@example.test` })).body.id);
    }
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    await redis?.stop();
    await db?.drop();
  });

  const servedFromRedisAgain = () =>
    waitFor('reads served from Redis again', async () => (await read(lab, ids[0])).source === 'redis', 20_000);

  it('SIGKILL Redis: zero failed reads, and Redis serves again after a restart', async () => {
    await lab.send('POST', '/api/cache/warm', {});
    const run = readers(lab, ids, 8);
    await sleep(300);
    await redis.kill();
    await sleep(1500);
    await redis.start();
    await servedFromRedisAgain();
    const outcomes = await run.stop();
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(outcomes.some((o) => o.source === 'mysql')).toBe(true);
    expect(outcomes.filter((o) => o.source === 'redis').length).toBeGreaterThan(0);
    const status = await lab.get<RedisStatus>('/api/redis/status');
    expect(status.body.stats.successfulReconnects).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('SIGSTOP Redis: the breaker opens, reads keep succeeding from MySQL with bounded latency; SIGCONT: Redis serves again', async () => {
    await servedFromRedisAgain();
    await lab.send('POST', '/api/cache/warm', {});
    const run = readers(lab, ids, 8);
    await sleep(300);
    redis.pause();
    await waitFor('breaker open', async () => (await lab.get<CacheStats>('/api/cache/stats')).body.breaker.state === 'open', 10_000);
    await sleep(2000);
    redis.unpause();
    await servedFromRedisAgain();
    const outcomes = await run.stop();
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    // Once the breaker is open, reads skip Redis: their latency is the database's, not a timeout's.
    const whileOpen = outcomes.filter((o) => o.source === 'mysql').map((o) => o.ms);
    expect(whileOpen.length).toBeGreaterThan(20);
    expect(percentile(whileOpen, 50)).toBeLessThan(200);
    // No read waits longer than the command timeout plus a database round trip (generous for a shared 2-core box).
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(lab.config.redis.connection.commandTimeout + 1500);
    const stats = await lab.get<CacheStats>('/api/cache/stats');
    expect(stats.body.breaker.transitions.map((t) => t.to)).toEqual(expect.arrayContaining(['open', 'closed']));
  }, 60_000);

  it('a write while Redis is unreachable is never read back stale once Redis returns', async () => {
    await servedFromRedisAgain();
    const id = ids[1];
    await read(lab, id); // cached with the old name
    expect((await read(lab, id)).source).toBe('redis');
    redis.pause(); // Redis keeps the old value in memory
    const patched = await lab.send<UserDto>('PATCH', `/api/users/${id}`, { name: 'Renamed while Redis was down' });
    expect(patched.status).toBe(200);
    redis.unpause();
    // Every read from now on, the very first included, must show the new name.
    const seen: ReadOutcome[] = [];
    await waitFor(
      'redis serving the key again',
      async () => {
        const o = await read(lab, id);
        seen.push(o);
        return o.source === 'redis';
      },
      20_000,
    );
    expect(seen.every((o) => o.status === 200 && o.name === 'Renamed while Redis was down')).toBe(true);
  }, 60_000);

  it('a wrong Redis password is reported as auth-failed, reads still succeed, and it recovers once the credentials match', async () => {
    const guarded = await RedisServerProcess.start({ password: 'the-right-one' });
    const db2 = await createTestDatabase();
    const lab2 = await startLab({ redis: { port: guarded.port, password: 'what-the-app-has' }, mysql: db2 });
    try {
      await waitFor('auth-failed', async () => (await lab2.get<RedisStatus>('/api/redis/status')).body.state === 'auth-failed');
      const status = (await lab2.get<RedisStatus>('/api/redis/status')).body;
      expect(status.lastError?.kind).toBe('auth');
      expect(JSON.stringify(status)).not.toContain('what-the-app-has');
      const { body: u } = await lab2.send<UserDto>('POST', '/api/users', { name: 'Auth', email: 'auth@example.test' });
      expect((await read(lab2, u.id)).status).toBe(200);
      const admin = new Redis({ port: guarded.port, password: 'the-right-one', maxRetriesPerRequest: 0, retryStrategy: () => null });
      admin.on('error', () => undefined);
      await admin.config('SET', 'requirepass', 'what-the-app-has');
      admin.disconnect();
      await waitFor(
        'ready after the password matches',
        async () => (await lab2.get<RedisStatus>('/api/redis/status')).body.state === 'ready',
        15_000,
      );
    } finally {
      await lab2.close();
      await guarded.stop();
      await db2.drop();
    }
  }, 60_000);
});

describe('when both stores are down', () => {
  it('answers 503 with a clear code, serves nothing stale, never crashes, and recovers', async () => {
    const redis = await RedisServerProcess.start();
    const maria = await MariaDbProcess.start();
    const lab = await startLab({
      redis: { port: redis.port },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
    });
    try {
      await waitFor('database connected', async () => (await lab.get('/health/ready')).status === 200, 20_000);
      const created = await lab.send<UserDto>('POST', '/api/users', { name: 'Both', email: 'both@example.test' });
      expect(created).toMatchObject({ status: 201 });
      const u = created.body;
      await read(lab, u.id);
      expect((await read(lab, u.id)).source).toBe('redis');
      await redis.kill();
      // Redis down, MySQL up: still served.
      await waitFor('served from mysql', async () => (await read(lab, u.id)).source === 'mysql');
      await maria.kill();
      const res = await lab.get<ApiErrorBody>(`/api/users/${u.id}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('STORES_UNAVAILABLE');
      expect((await lab.get<ApiErrorBody>('/health/ready')).status).toBe(503);
      expect((await lab.get('/health')).status).toBe(200);
      await maria.start();
      await waitFor('served again once MySQL is back', async () => (await read(lab, u.id)).status === 200, 30_000);
    } finally {
      await lab.close();
      await redis.stop();
      await maria.stop();
    }
  }, 90_000);
});
