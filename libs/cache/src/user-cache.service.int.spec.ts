import type { ReadOutcome } from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { seedUsers } from '@rrl/users';
import { getDataSourceToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { rejectionOf, startCacheHarness, type CacheHarness } from '../test/cache-harness';

describe.each(['sqlite', 'mysql'] as const)('UserCacheService over a real redis-server and %s', (driver) => {
  let redisServer: RedisServerProcess;
  let db: TestDatabase | undefined;
  let h: CacheHarness;
  let admin: Redis;

  beforeAll(async () => {
    redisServer = await RedisServerProcess.start();
    if (driver === 'mysql') db = await createTestDatabase();
    h = await startCacheHarness({
      redisPort: redisServer.port,
      mysql: db,
      // No test here is about timeouts. On a shared 2-core machine under load a 2 000-command warm pipeline
      // took over 500 ms: the command timed out, or the heartbeat PING queued behind it did and dropped the
      // connection (seen at load average 12). Generous limits keep this file about caching.
      overrides: { redis: { connection: { commandTimeout: 5000, heartbeatTimeout: 5000 } } },
    });
    // A second client to look at Redis from outside the service.
    admin = new Redis({ port: redisServer.port, lazyConnect: false, maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    admin?.disconnect();
    await h?.close();
    await redisServer?.stop();
    await db?.drop();
  });

  it('reads through: first from the database, then from Redis, with the TTL set', async () => {
    const created = await h.users.create({ name: 'Ada', email: 'ada@example.test' });
    const first = await h.cache.get(created.id);
    expect(first).toMatchObject({ source: 'mysql', user: created });
    const second = await h.cache.get(created.id);
    expect(second).toMatchObject({ source: 'redis', user: created });
    expect(second.durationMs).toBeGreaterThanOrEqual(0);
    const ttl = await admin.ttl(`user:${created.id}`);
    // ttl 360 s plus up to 10 % jitter.
    expect(ttl).toBeGreaterThan(350);
    expect(ttl).toBeLessThanOrEqual(396);
  });

  it('looks up by email through Redis once the mapping is cached, and ignores a mapping that went stale', async () => {
    const u = await h.cache.create({ name: 'Linus', email: 'linus@example.test' });
    expect((await h.cache.getByEmail('linus@example.test')).source).toBe('redis');
    await h.cache.update(u.id, { email: 'torvalds@example.test' });
    expect(await rejectionOf(h.cache.getByEmail('linus@example.test'))).toMatchObject({ code: 'USER_NOT_FOUND', statusCode: 404 });
    expect(await h.cache.getByEmail('torvalds@example.test')).toMatchObject({ source: 'redis', user: { id: u.id, name: 'Linus' } });
  });

  it('writes through: create, update and delete are visible in Redis at once', async () => {
    const u = await h.cache.create({ name: 'Grace', email: 'grace@example.test' });
    expect(await h.cache.get(u.id)).toMatchObject({ source: 'redis', user: { name: 'Grace' } });
    await h.cache.update(u.id, { name: 'Grace Hopper' });
    expect(await h.cache.get(u.id)).toMatchObject({ source: 'redis', user: { name: 'Grace Hopper' } });
    await h.cache.delete(u.id);
    expect(await rejectionOf(h.cache.get(u.id))).toMatchObject({ code: 'USER_NOT_FOUND', statusCode: 404 });
    expect(await rejectionOf(h.cache.update(u.id, { name: 'x' }))).toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('100 concurrent misses for one id cost exactly one database query', async () => {
    const u = await h.users.create({ name: 'Popular', email: 'popular@example.test' });
    const spy = jest.spyOn(h.users, 'findById');
    try {
      const before = h.cache.stats();
      const results = await Promise.all(Array.from({ length: 100 }, () => h.cache.get(u.id)));
      expect(results.every((r) => r.user.id === u.id)).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      const after = h.cache.stats();
      expect(after.dbReads - before.dbReads).toBe(1);
      expect(after.coalescedMisses - before.coalescedMisses).toBe(99);
    } finally {
      spy.mockRestore();
    }
  });

  it('caches unknown ids briefly, and creating the user clears that entry', async () => {
    const nextId = (await h.users.findPage(1, 1)).total + 1000;
    const spy = jest.spyOn(h.users, 'findById');
    try {
      const misses = await Promise.all(Array.from({ length: 50 }, () => rejectionOf(h.cache.get(nextId))));
      expect(misses.every((e) => e.code === 'USER_NOT_FOUND')).toBe(true);
      for (let i = 0; i < 20; i++) await rejectionOf(h.cache.get(nextId));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    const ttl = await admin.ttl(`user:${nextId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(h.cache.stats().negativeHits).toBeGreaterThanOrEqual(20);

    // The id the next insert gets: remembered as unknown first, then created.
    const [{ maxId }] = await h.app.get(getDataSourceToken()).query('SELECT MAX(id) AS maxId FROM users');
    const upcoming = Number(maxId) + 1;
    expect(await rejectionOf(h.cache.get(upcoming))).toMatchObject({ code: 'USER_NOT_FOUND' });
    const created = await h.cache.create({ name: 'Newcomer', email: 'newcomer@example.test' });
    expect(created.id).toBe(upcoming);
    expect(await h.cache.get(upcoming)).toMatchObject({ source: 'redis', user: { name: 'Newcomer' } });
  });

  it('emits one read outcome per read, saying what the cache did', async () => {
    const seen: ReadOutcome[] = [];
    const listener = (o: ReadOutcome) => seen.push(o);
    h.cache.events.on('read', listener);
    const u = await h.users.create({ name: 'Observed', email: 'observed@example.test' });
    await h.cache.get(u.id);
    await h.cache.get(u.id);
    await rejectionOf(h.cache.get(9_999_999));
    await rejectionOf(h.cache.get(9_999_999));
    await h.cache.getByEmail('observed@example.test');
    await h.cache.getByEmail('observed@example.test');
    h.cache.events.off('read', listener);
    expect(seen.map((o) => [o.source, o.ok, o.cache])).toEqual([
      ['mysql', true, 'miss'],
      ['redis', true, 'hit'],
      ['mysql', true, 'miss'], // unknown id: the database says so, and Redis remembers it
      ['redis', true, 'negative-hit'],
      ['mysql', true, 'miss'], // no email mapping yet
      ['redis', true, 'hit'],
    ]);
  });

  it('warms 10 000 users with pipelined SETs, then clears every key with SCAN + UNLINK', async () => {
    await h.cache.clear();
    const dataSource = h.app.get(getDataSourceToken());
    await seedUsers(dataSource, { count: 10_000, batchSize: 1000 });
    const total = await h.users.count();
    const progress: number[] = [];
    const result = await h.cache.warm({ batchSize: 1000 }, (p) => progress.push(p.warmed));

    console.log(`[${driver}] warmed ${result.warmed} users in ${result.durationMs} ms (${result.batches} batches)`);
    expect(result.warmed).toBe(total);
    expect(result.batches).toBe(Math.ceil(total / 1000));
    expect(progress.at(-1)).toBe(total);
    expect(await admin.exists('user:5000')).toBeTruthy();
    const before = h.cache.stats().dbReads;
    const hot = await h.users.findByEmail('user5000@example.test');
    expect(await h.cache.get(hot!.id)).toMatchObject({ source: 'redis', user: { email: 'user5000@example.test' } });
    expect(h.cache.stats().dbReads).toBe(before);

    const partial = await h.cache.warm({ fromId: 10, toId: 19, batchSize: 3 });
    expect(partial).toMatchObject({ warmed: 10, batches: 4 });

    const cleared = await h.cache.clear();
    // Every user key plus every email mapping.
    expect(cleared.deleted).toBeGreaterThanOrEqual(2 * total);
    expect(await admin.dbsize()).toBe(0);
  }, 60_000);

  it('reports stats', () => {
    const s = h.cache.stats();
    expect(s).toMatchObject({ breaker: { state: 'closed', transitions: [] }, pendingInvalidations: 0, redisErrors: 0 });
    expect(s.hits).toBeGreaterThan(0);
    expect(s.hitRate).toBeGreaterThan(0);
    expect(s.hitRate).toBeLessThanOrEqual(1);
  });
});

describe('UserCacheService with redis.caching.warmOnBoot', () => {
  it('loads every user into Redis in the background once both stores are up', async () => {
    const redisServer = await RedisServerProcess.start();
    const db = await createTestDatabase();
    const admin = new Redis({ port: redisServer.port });
    admin.on('error', () => undefined);
    try {
      const seeding = await startCacheHarness({ redisPort: redisServer.port, mysql: db });
      await seedUsers(seeding.app.get(getDataSourceToken()), { count: 500 });
      await seeding.close();

      const h = await startCacheHarness({
        redisPort: redisServer.port,
        mysql: db,
        overrides: { redis: { caching: { warmOnBoot: true } } },
      });
      try {
        // Every user key plus every email mapping.
        await waitFor('warmed at boot', async () => (await admin.dbsize()) >= 1000, 20_000);
        expect(await h.cache.get(250)).toMatchObject({ source: 'redis', user: { email: 'user250@example.test' } });
      } finally {
        await h.close();
      }
    } finally {
      admin.disconnect();
      await redisServer.stop();
      await db.drop();
    }
  }, 60_000);
});
