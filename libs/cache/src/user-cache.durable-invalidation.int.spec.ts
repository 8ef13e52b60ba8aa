import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { InvalidationLog } from '@rrl/users';
import { namesUntilRedisServes, startCacheHarness, type CacheHarness } from '../test/cache-harness';
import { PendingInvalidationsService, type InvalidationBookkeeping } from './pending-invalidations.service';

/**
 * The no-stale-read guarantee across processes: a write made while Redis was unreachable is
 * recorded in the database, so neither a restarted process nor another instance that never saw
 * the write serves the old value from Redis once it is back. Real redis-server (paused with
 * SIGSTOP, so it keeps the old value) and a real MariaDB database of its own.
 */
describe('pending invalidations outlive the process that made them', () => {
  let redis: RedisServerProcess;
  let db: TestDatabase;
  const open: CacheHarness[] = [];

  const start = async () => {
    const h = await startCacheHarness({ redisPort: redis.port, mysql: db });
    open.push(h);
    return h;
  };
  const close = async (h: CacheHarness) => {
    open.splice(open.indexOf(h), 1);
    await h.close();
  };
  const servedFromRedis = (h: CacheHarness, id: number) =>
    waitFor(`user ${id} served from Redis`, async () => (await h.cache.get(id)).source === 'redis', 20_000);

  /**
   * Caches a user, then renames it through `writer` while Redis is paused and closes `writer` before Redis
   * resumes. `bookkeeping: 'memory'` keeps the writer's marks out of the database (the bookkeeping before
   * InvalidationLog), to show the stale read the log prevents.
   */
  async function renameDuringOutageThenDie(
    writer: CacheHarness,
    name: string,
    others: CacheHarness[] = [],
    bookkeeping: InvalidationBookkeeping = 'durable',
  ) {
    writer.app.get(PendingInvalidationsService).bookkeeping = bookkeeping;
    const u = await writer.cache.create({ name: `${name} Before`, email: `${name.toLowerCase()}@example.test` });
    await servedFromRedis(writer, u.id);
    for (const o of others) await servedFromRedis(o, u.id);
    redis.pause();
    try {
      // Reads time out until the breaker opens; then the write does not even try Redis. (A write
      // that timed out could still land: a paused Redis runs what sits in its socket on SIGCONT.)
      await waitFor('breaker open', async () => (await writer.cache.get(u.id)) && writer.cache.breaker.state === 'open', 15_000);
      await writer.cache.update(u.id, { name: `${name} After` });
      expect(writer.cache.stats().pendingInvalidations).toBe(2); // in this process: the user's key and its email mapping
      const logged = (await writer.app.get(InvalidationLog).list()).map(([key]) => key);
      if (bookkeeping === 'durable') expect(logged).toContain(`${writer.config.redis.caching.keyPrefix}${u.id}`);
      else expect(logged).toEqual([]);
      // Every other instance has noticed the hang, so it reconnects (and sees "ready") after SIGCONT.
      for (const o of others) await waitFor('other instance notices the pause', () => !o.redis.isReady(), 10_000);
      await close(writer); // dies before it could invalidate anything itself
    } finally {
      redis.unpause();
    }
    return u;
  }

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    db = await createTestDatabase();
  }, 60_000);

  afterAll(async () => {
    for (const h of [...open]) await h.close();
    await redis?.stop();
    await db?.drop();
  });

  it('a restarted process reads the marks at boot and never serves the old value', async () => {
    const u = await renameDuringOutageThenDie(await start(), 'Restart');
    const restarted = await start();
    const names = await namesUntilRedisServes(restarted, u.id);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n === 'Restart After')).toBe(true);
    // Flushed: the key was deleted in Redis and the mark removed from the database.
    await waitFor('log emptied', async () => (await restarted.app.get(InvalidationLog).count()) === 0, 10_000);
    expect(restarted.cache.stats().pendingInvalidations).toBe(0);
    await close(restarted);
  }, 90_000);

  it('another instance, alive through the outage, reads the marks when Redis is ready again', async () => {
    const other = await start();
    const u = await renameDuringOutageThenDie(await start(), 'Other', [other]);
    const names = await namesUntilRedisServes(other, u.id);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n === 'Other After')).toBe(true);
    await waitFor('log emptied', async () => (await other.app.get(InvalidationLog).count()) === 0, 10_000);
    await close(other);
  }, 90_000);

  it.each([
    ['a restarted process', 'RestartMemory', false],
    ['another instance alive through the outage', 'OtherMemory', true],
  ] as const)(
    'with the marks in memory only, %s serves the old value: the stale read the database log prevents',
    async (_, name, aliveThrough) => {
      const other = aliveThrough ? await start() : null;
      const u = await renameDuringOutageThenDie(await start(), name, other ? [other] : [], 'memory');
      const reader = other ?? (await start());
      const names = await namesUntilRedisServes(reader, u.id);
      expect(names.at(-1)).toBe(`${name} Before`);
      await close(reader);
    },
    90_000,
  );

  it('a mark made again after a flush began survives that flush, in memory and in the database', async () => {
    const h = await start();
    const log = h.app.get(InvalidationLog);
    await log.record([['user:424242', 'old-token']]);
    await log.record([['user:424242', 'new-token']]); // a newer write marked the key again
    await log.clear([['user:424242', 'old-token']]); // the flush that started before it
    expect(await log.list()).toEqual([['user:424242', 'new-token']]);
    await log.clear([['user:424242', 'new-token']]);
    expect(await log.count()).toBe(0);
    await close(h);
  }, 60_000);
});
