import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import type { UsersRepository } from '@rrl/users';
import Redis from 'ioredis';
import { rejectionOf, startCacheHarness, type CacheHarness } from '../test/cache-harness';
import { RedisCacheRepository } from './redis-cache.repository';

/**
 * Holds the next database read of `method` after it returned (the row as it was), until
 * release(): the read/write races below need a write to land exactly there. The query is real.
 */
function holdNextRead(users: UsersRepository, method: 'findById' | 'findByEmail') {
  const target = users as unknown as Record<typeof method, (arg: unknown) => Promise<unknown>>;
  const real = target[method].bind(users);
  let loaded!: () => void;
  let release!: () => void;
  const isLoaded = new Promise<void>((r) => (loaded = r));
  const released = new Promise<void>((r) => (release = r));
  const spy = jest.spyOn(target, method).mockImplementationOnce(async (arg) => {
    const row = await real(arg);
    loaded();
    await released;
    return row;
  });
  return { loaded: isLoaded, release, calls: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
}

/**
 * The cache's read/write race guards, each shown by the stale read it prevents (real redis-server,
 * real MariaDB). Every check goes through the same Redis client as the read's fill, after it, so
 * Redis has applied the fill (or refused it) by the time the check runs: no waiting on a clock.
 */
describe('UserCacheService read/write race guards', () => {
  let redisServer: RedisServerProcess;
  let db: TestDatabase;
  let admin: Redis;
  const open: CacheHarness[] = [];
  const start = async (negativeTtl?: number) => {
    const h = await startCacheHarness({
      redisPort: redisServer.port,
      mysql: db,
      overrides: negativeTtl === undefined ? {} : { redis: { caching: { negativeTtl } } },
    });
    open.push(h);
    return h;
  };

  beforeAll(async () => {
    redisServer = await RedisServerProcess.start();
    db = await createTestDatabase();
    admin = new Redis({ port: redisServer.port, maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    admin?.disconnect();
    for (const h of open) await h.close();
    await redisServer?.stop();
    await db?.drop();
  });

  it('written-since check: a read that loaded a user before its delete does not put it back into Redis', async () => {
    // negativeTtl 0: the delete is a plain DEL, so only the written-since check stops the fill.
    const h = await start(0);
    const u = await h.cache.create({ name: 'Deleted Meanwhile', email: 'deleted-meanwhile@example.test' });
    await admin.del(`user:${u.id}`, 'user:email:deleted-meanwhile@example.test'); // the read misses Redis
    const held = holdNextRead(h.users, 'findByEmail');
    try {
      const reading = h.cache.getByEmail('deleted-meanwhile@example.test');
      await held.loaded;
      await h.cache.delete(u.id);
      held.release();
      // It started before the delete: it may answer with the user, but must not cache it.
      expect(await reading).toMatchObject({ source: 'mysql', user: { id: u.id } });
      expect(await rejectionOf(h.cache.get(u.id))).toMatchObject({ code: 'USER_NOT_FOUND' });
      expect(await admin.exists(`user:${u.id}`)).toBe(0);
    } finally {
      held.restore();
    }
  }, 30_000);

  it('a write drops the in-flight read: a read after the write never joins a query that saw the old row', async () => {
    const h = await start();
    const u = await h.cache.create({ name: 'Before', email: 'in-flight@example.test' });
    await admin.del(`user:${u.id}`);
    const held = holdNextRead(h.users, 'findById');
    try {
      const first = h.cache.get(u.id);
      await held.loaded; // the old row is read, its reply held back
      await h.cache.update(u.id, { name: 'After' });
      await admin.del(`user:${u.id}`); // the key expired or was evicted: the next read misses Redis
      const [queries, coalesced] = [held.calls(), h.cache.stats().coalescedMisses];
      const second = h.cache.get(u.id);
      // Release the old query only once the second read has either joined it or started its own.
      await waitFor('second read at the database', () => held.calls() > queries || h.cache.stats().coalescedMisses > coalesced, 10_000);
      held.release();
      expect(await first).toMatchObject({ source: 'mysql', user: { name: 'Before' } }); // started before the write
      expect(await second).toMatchObject({ source: 'mysql', user: { name: 'After' } });
      // Neither read cached the old row.
      expect(await h.cache.get(u.id)).toMatchObject({ source: 'redis', user: { name: 'After' } });
    } finally {
      held.restore();
    }
  }, 30_000);

  it('delete tombstone: another instance that loaded the user before the delete cannot put it back into Redis', async () => {
    const writer = await start();
    const reader = await start(); // knows nothing of the writer's writes
    const u = await writer.cache.create({ name: 'Tombstoned', email: 'tombstoned@example.test' });
    await admin.del(`user:${u.id}`);
    const held = holdNextRead(reader.users, 'findById');
    try {
      const reading = reader.cache.get(u.id);
      await held.loaded;
      await writer.cache.delete(u.id);
      held.release();
      expect(await reading).toMatchObject({ source: 'mysql', user: { id: u.id } }); // started before the delete
      // The reader's fill (SET NX) met the tombstone: both instances answer 404 from Redis.
      expect(await rejectionOf(reader.cache.get(u.id))).toMatchObject({ code: 'USER_NOT_FOUND' });
      expect(await rejectionOf(writer.cache.get(u.id))).toMatchObject({ code: 'USER_NOT_FOUND' });
      expect(await admin.get(`user:${u.id}`)).toBe('null');
    } finally {
      held.restore();
    }
  }, 30_000);

  /**
   * The slow read-then-fill race across instances: the reader read the old row, the writer's
   * update reached Redis, then the key went (evicted, expired, or deleted by a pending
   * invalidation). With the fill lease the reader's late fill fails; without it, it puts the old
   * row back and both instances serve it until the TTL.
   */
  async function readThenFillRace(leases: 'on' | 'off') {
    const writer = await start();
    const reader = await start();
    for (const h of [writer, reader]) h.app.get(RedisCacheRepository).fillLeases = leases;
    const email = `lease-${leases}@example.test`;
    const u = await writer.cache.create({ name: 'Old', email });
    await admin.del(`user:${u.id}`); // the reader misses
    const held = holdNextRead(reader.users, 'findById');
    try {
      const reading = reader.cache.get(u.id);
      await held.loaded; // the old row is read, its reply held back
      await writer.cache.update(u.id, { name: 'New' }); // acknowledged: Redis holds "New"
      await admin.del(`user:${u.id}`); // then the key is gone
      held.release();
      expect(await reading).toMatchObject({ source: 'mysql', user: { name: 'Old' } }); // began before the write
      // Through the reader's own client, so Redis has applied (or refused) its fill first.
      return (await reader.cache.get(u.id)).user.name;
    } finally {
      held.restore();
    }
  }

  it('fill lease: a read that loaded the old row before an acknowledged update never puts it back into Redis, in another instance', async () => {
    expect(await readThenFillRace('on')).toBe('New');
  }, 30_000);

  it('without the fill lease, that late fill serves the old row after the update was acknowledged: the stale read the lease prevents', async () => {
    expect(await readThenFillRace('off')).toBe('Old');
  }, 30_000);
});
