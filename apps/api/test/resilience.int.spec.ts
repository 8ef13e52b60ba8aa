import { PendingInvalidationsService, type InvalidationBookkeeping } from '@rrl/cache';
import type { ApiErrorBody, CacheStats, RedisStatus, UserDto } from '@rrl/contracts';
import { createTestDatabase, MariaDbProcess, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { Redis } from 'ioredis';
import { percentile, redisReady, startLab, type Lab } from './support/lab';
import { createUsers, read, readers, type ReadOutcome } from './support/readers';
import { versionedLoad } from './support/versioned-load';

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
    await waitFor('readers under way', () => run.completed() >= 20);
    await redis.kill();
    await waitFor('reads served from MySQL', () => run.outcomes().filter((o) => o.source === 'mysql').length >= 20);
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
    await waitFor('readers under way', () => run.completed() >= 20);
    redis.pause();
    await waitFor('breaker open', async () => (await lab.get<CacheStats>('/api/cache/stats')).body.breaker.state === 'open', 10_000);
    const opened = (await lab.get<CacheStats>('/api/cache/stats')).body;
    const rejectedSince = async () => (await lab.get<CacheStats>('/api/cache/stats')).body.breakerRejections - opened.breakerRejections;
    await waitFor('reads skipping Redis while the breaker is open', async () => (await rejectedSince()) > 20);
    redis.unpause();
    await servedFromRedisAgain();
    const outcomes = await run.stop();
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    // Once the breaker is open, reads skip Redis (counted as breaker rejections): their latency is the
    // database's, not a timeout's. The median is held under one command timeout, the cost of a read that
    // did wait on Redis; 200 ms failed at a load average of 24 on this shared 2-core machine.
    const whileOpen = outcomes.filter((o) => o.source === 'mysql').map((o) => o.ms);
    expect(whileOpen.length).toBeGreaterThan(20);
    expect(await rejectedSince()).toBeGreaterThan(20);
    expect(percentile(whileOpen, 50)).toBeLessThan(lab.config.redis.connection.commandTimeout);
    // The whole request is the one Redis wait (≤ commandTimeout, proven at 500 ms in libs/redis's
    // half-open test) plus the database read and the HTTP round trip: no read hangs on a frozen Redis.
    // The bound is loose on purpose: this is a promise about hanging, not a speed claim (see bench/).
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(lab.config.redis.connection.commandTimeout + 1500);
    const stats = await lab.get<CacheStats>('/api/cache/stats');
    expect(stats.body.breaker.transitions.map((t) => t.to)).toEqual(expect.arrayContaining(['open', 'closed']));
  }, 60_000);

  /** Renames a cached user while Redis is paused (`openFirst`: once reads opened the breaker); every read after SIGCONT until Redis serves it. */
  async function renameWhilePaused(id: number, name: string, openFirst: boolean, bookkeeping: InvalidationBookkeeping) {
    await servedFromRedisAgain();
    await read(lab, id); // cached with the old name
    expect((await read(lab, id)).source).toBe('redis');
    const gate = lab.app.get(PendingInvalidationsService);
    gate.bookkeeping = bookkeeping;
    try {
      redis.pause(); // Redis keeps the old value in memory
      try {
        if (openFirst) {
          const open = async () => (await read(lab, id)) && (await lab.get<CacheStats>('/api/cache/stats')).body.breaker.state === 'open';
          await waitFor('breaker open', open, 15_000);
        }
        const patched = await lab.send<UserDto>('PATCH', `/api/users/${id}`, { name });
        expect(patched.status).toBe(200);
      } finally {
        redis.unpause();
      }
      // Every read from now on, the very first included.
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
      return seen;
    } finally {
      gate.bookkeeping = 'durable';
    }
  }

  // A write that timed out is still in the paused Redis' socket and lands on SIGCONT, with or without the
  // pending-invalidation bookkeeping ("off" row); the write that never reached Redis (breaker open) needs it.
  it.each([
    ['the write timed out', 2, false, 'durable'],
    ['the write timed out; Redis runs it on SIGCONT, so even with the bookkeeping off', 3, false, 'off'],
    ['the breaker was open, so the write never reached Redis', 4, true, 'durable'],
  ] as const)(
    'a write while Redis is paused (%s) is never read back stale once Redis returns',
    async (label, index, openFirst, bookkeeping) => {
      const name = `Renamed while paused (${bookkeeping}, ${openFirst ? 'open' : 'timed out'})`;
      const seen = await renameWhilePaused(ids[index], name, openFirst, bookkeeping);
      expect(seen.every((o) => o.status === 200 && o.name === name)).toBe(true);
    },
    60_000,
  );

  it('a write while the breaker was open, bookkeeping off: the old name is read back once Redis returns (the stale read the marks prevent)', async () => {
    const seen = await renameWhilePaused(ids[5], 'Renamed, never invalidated', true, 'off');
    expect(seen.at(-1)).toMatchObject({ status: 200, source: 'redis', name: 'Reader 5' });
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
  it('answers 503 with a clear code, serves nothing stale to readers while writers run, never crashes, and recovers: MySQL first, then Redis', async () => {
    const redis = await RedisServerProcess.start();
    const maria = await MariaDbProcess.start();
    const lab = await startLab({
      redis: { port: redis.port },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
    });
    try {
      await waitFor('database connected', async () => (await lab.get('/health/ready')).status === 200, 20_000);
      await redisReady(lab);
      const ids = await createUsers(lab, 6, 'Both');
      for (const id of ids) await read(lab, id); // cached
      expect((await read(lab, ids[0])).source).toBe('redis');
      const load = versionedLoad(lab, ids, 'Both', { readers: 4, writers: 2 });
      const progress = load.progress();
      const moreWrites = (what: string, n = 5) => {
        const from = progress.writes;
        return waitFor(what, () => progress.writes >= from + n, 30_000);
      };
      const readsSince = (from: number) => progress.reads.slice(from);
      await moreWrites('writes acknowledged with both stores up');

      await redis.kill();
      // Redis down, MySQL up: still served, and written.
      let mark = progress.reads.length;
      await waitFor('served from mysql', () => readsSince(mark).some((o) => o.source === 'mysql'));
      await moreWrites('writes acknowledged while Redis is down');

      await maria.kill();
      mark = progress.reads.length;
      const failedBefore = progress.failedWrites;
      await waitFor('reads refused with both stores down', () => readsSince(mark).some((o) => o.status === 503));
      await waitFor('writes refused with both stores down', () => progress.failedWrites > failedBefore);
      const res = await lab.get<ApiErrorBody>(`/api/users/${ids[0]}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('STORES_UNAVAILABLE');
      expect((await lab.get<ApiErrorBody>('/health/ready')).status).toBe(503);
      expect((await lab.get('/health')).status).toBe(200);

      await maria.start();
      mark = progress.reads.length;
      await waitFor('served again once MySQL is back', () => readsSince(mark).some((o) => o.status === 200), 30_000);
      await moreWrites('writes acknowledged once MySQL is back, Redis still down');
      await redis.start();
      mark = progress.reads.length;
      await waitFor('served from Redis again once it is back', () => readsSince(mark).some((o) => o.source === 'redis'), 30_000);
      await moreWrites('writes acknowledged with both stores back');
      const result = await load.stop();

      // Nothing stale: no read older than a version acknowledged before it was sent, whichever
      // store answered it; the writes made while Redis was down were there to be missed.
      expect(result.stale).toEqual([]);
      expect(result.reads.filter((o) => o.status === 200 && o.source === 'redis').length).toBeGreaterThan(0);
      expect(result.reads.filter((o) => o.status !== 200).every((o) => o.status === 503)).toBe(true);
      expect(result.reads.filter((o) => o.status === 503).every((o) => o.code === 'STORES_UNAVAILABLE')).toBe(true);
    } finally {
      await lab.close();
      await redis.stop();
      await maria.stop();
    }
  }, 120_000);
});
