import fs from 'node:fs';
import path from 'node:path';
import type { ReadOutcome } from '@rrl/contracts';
import { MariaDbProcess, RedisServerProcess, waitFor } from '@rrl/testing';
import Redis from 'ioredis';
import { namesUntilRedisServes, rejectionOf, startCacheHarness, type CacheHarness } from '../test/cache-harness';
import { PendingInvalidationsService, type InvalidationBookkeeping } from './pending-invalidations.service';

/**
 * Outages with servers of our own: a redis-server that keeps its data across SIGKILL
 * (AOF, fsync on every write) and a MariaDB we kill. The shared servers are never touched.
 */
describe('UserCacheService when Redis or the database fails', () => {
  let redisServer: RedisServerProcess;
  let mariadb: MariaDbProcess;
  let h: CacheHarness;
  let admin: Redis;

  beforeAll(async () => {
    redisServer = await RedisServerProcess.start({ extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    mariadb = await MariaDbProcess.start();
    h = await startCacheHarness({
      redisPort: redisServer.port,
      mysql: { host: '127.0.0.1', port: mariadb.port, user: 'root', password: '', database: 'resilience_lab' },
    });
    // Looks at Redis from outside; retries forever so it survives the restarts below.
    admin = new Redis({ port: redisServer.port, maxRetriesPerRequest: null, retryStrategy: () => 50 });
    admin.on('error', () => undefined);
  }, 90_000);

  // Each test leaves the no-stale-read bookkeeping as the app runs it.
  afterEach(() => (h.app.get(PendingInvalidationsService).bookkeeping = 'durable'));

  afterAll(async () => {
    admin?.disconnect();
    await h?.close();
    await redisServer?.kill();
    await mariadb?.kill();
  });

  /** Everything Redis persisted: the AOF files (a folder since Redis 7). */
  const appendOnlyData = () =>
    fs
      .readdirSync(redisServer.dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && f.name.includes('appendonly'))
      .map((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'latin1'))
      .join('');

  const servedFromRedis = (id: number) =>
    waitFor(`user ${id} served from Redis`, async () => (await h.cache.get(id)).source === 'redis', 20_000);

  async function cachedUser(name: string) {
    const u = await h.cache.create({ name, email: `${name.toLowerCase().replace(/\W/g, '')}@example.test` });
    await servedFromRedis(u.id);
    return u;
  }

  /** Renames a cached user while Redis is paused (`openFirst`: after the breaker opened), then resumes Redis. */
  async function renameWhilePaused(label: string, openFirst: boolean, bookkeeping: InvalidationBookkeeping) {
    const u = await cachedUser(`Paused Before ${label}`);
    h.app.get(PendingInvalidationsService).bookkeeping = bookkeeping;
    redisServer.pause();
    try {
      if (openFirst) await waitFor('breaker open', async () => (await h.cache.get(u.id)) && h.cache.breaker.state === 'open', 15_000);
      const updated = await h.cache.update(u.id, { name: `Paused After ${label}` });
      expect(updated.name).toBe(`Paused After ${label}`);
      expect(h.cache.stats().pendingInvalidations).toBe(bookkeeping === 'off' ? 0 : 2); // the user's key and its email mapping
    } finally {
      redisServer.unpause();
    }
    return u;
  }

  it('Redis killed: reads keep succeeding from the database, the breaker opens, Redis serves again after a restart', async () => {
    const users = [await cachedUser('Killed One'), await cachedUser('Killed Two')];
    const before = h.cache.stats();
    await redisServer.kill();
    const latencies: number[] = [];
    const outcomes: ReadOutcome[] = [];
    const onRead = (o: ReadOutcome) => outcomes.push(o);
    h.cache.events.on('read', onRead);
    try {
      for (let i = 0; i < 40; i++) {
        const r = await h.cache.get(users[i % 2].id);
        expect(r).toMatchObject({ source: 'mysql', user: { id: users[i % 2].id } });
        latencies.push(r.durationMs);
      }
    } finally {
      h.cache.events.off('read', onRead);
    }
    // Every read says the database answered because Redis could not.
    expect(outcomes).toHaveLength(40);
    expect(outcomes.every((o) => o.ok && o.source === 'mysql' && o.cache === 'fallback')).toBe(true);
    const during = h.cache.stats();
    expect(during.breaker.state).toBe('open');
    expect(during.breakerRejections - before.breakerRejections).toBeGreaterThan(20);
    expect(during.redisErrors - before.redisErrors).toBeGreaterThanOrEqual(5);
    // Fail-fast: a dead Redis costs connection-refused, not a timeout. What proves it is the error that
    // opened the breaker; the latency bound only catches reads stuck behind timeouts, and is generous
    // (several command timeouts) because this shared 2-core machine can stall a process for a second.
    const opened = during.breaker.transitions.findLast((t) => t.to === 'open');
    expect(opened?.reason).not.toMatch(/timed out/i);
    expect(Math.max(...latencies)).toBeLessThan(2000);

    await redisServer.start();
    await servedFromRedis(users[0].id);
    const after = h.cache.stats().breaker;
    expect(after.state).toBe('closed');
    // The connection's "ready" closes the breaker at once instead of waiting for the next probe.
    expect(after.transitions.slice(-2).map((t) => `${t.to}:${t.reason}`)).toEqual([
      expect.stringMatching(/^open:/),
      'closed:Redis connection ready again',
    ]);
    expect(after.transitions.find((t) => t.to === 'open')?.reason).toMatch(/consecutive failures|failure rate/);
  }, 60_000);

  // A write that timed out is still in the paused Redis' socket, and Redis runs it on SIGCONT: it lands
  // with or without the pending-invalidation bookkeeping (shown by the "off" row). Only the write that
  // never reached Redis (breaker already open) depends on the bookkeeping; without it, it reads stale.
  it.each([
    ['the write times out: it lands on SIGCONT', false, 'durable'],
    ['the write times out: it lands on SIGCONT, even with the bookkeeping off', false, 'off'],
    ['the breaker is already open', true, 'durable'],
  ] as const)(
    'SIGSTOP (%s): a write while Redis is paused is never read back stale, not even by the first read after SIGCONT',
    async (label, openFirst, bookkeeping) => {
      const u = await renameWhilePaused(label, openFirst, bookkeeping);
      const names = await namesUntilRedisServes(h, u.id);
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n === `Paused After ${label}`)).toBe(true);
      expect(h.cache.stats().pendingInvalidations).toBe(0);
    },
    60_000,
  );

  it('SIGSTOP (the breaker is already open), bookkeeping off: Redis serves the old value after SIGCONT, the stale read the marks prevent', async () => {
    const u = await renameWhilePaused('Unguarded', true, 'off');
    const names = await namesUntilRedisServes(h, u.id);
    expect(names.at(-1)).toBe('Paused Before Unguarded');
  }, 60_000);

  /**
   * Caches a user and one to delete, kills Redis (it persisted both), renames the first and deletes the
   * second during the outage, restarts Redis, and reads both until Redis serves the first again.
   */
  async function writeWhileKilled(label: string, bookkeeping: InvalidationBookkeeping) {
    const u = await cachedUser(`Killed Before ${label}`);
    const gone = await cachedUser(`Gone ${label}`);
    h.app.get(PendingInvalidationsService).bookkeeping = bookkeeping;
    await redisServer.kill();
    await h.cache.update(u.id, { name: `Killed After ${label}` });
    // Redis is down: the delete still succeeds (the database is the source of truth) and marks the key.
    await expect(h.cache.delete(gone.id)).resolves.toBeUndefined();
    expect(await h.users.findById(gone.id)).toBeNull();
    // The restarted server reloads the pre-outage values from its append-only file: without
    // pending invalidation that is what would be served.
    expect(appendOnlyData()).toContain(`Killed Before ${label}`);
    expect(appendOnlyData()).toContain(`Gone ${label}`);
    await redisServer.start();
    const names = await namesUntilRedisServes(h, u.id);
    const deleted = await h.cache.get(gone.id).then(
      (r) => `served from ${r.source}: ${r.user.name}`,
      (e: { code?: string }) => e.code,
    );
    return { names, deleted };
  }

  it('SIGKILL: Redis comes back with the old values on disk, and neither the renamed nor the deleted user is served stale', async () => {
    const { names, deleted } = await writeWhileKilled('Guarded', 'durable');
    expect(names.every((n) => n === 'Killed After Guarded')).toBe(true);
    expect(deleted).toBe('USER_NOT_FOUND');
    expect(h.cache.stats().pendingInvalidations).toBe(0);
  }, 60_000);

  it('SIGKILL, bookkeeping off: Redis serves the old name and the deleted user, the stale reads the marks prevent', async () => {
    const { names, deleted } = await writeWhileKilled('Unguarded', 'off');
    expect(names.at(-1)).toBe('Killed Before Unguarded');
    expect(deleted).toBe('served from redis: Gone Unguarded');
  }, 60_000);

  it('both stores down: 503 STORES_UNAVAILABLE; Redis alone still answers what it holds; both back: served again', async () => {
    const cached = await cachedUser('Both Down');
    const uncached = await h.users.create({ name: 'Never Cached', email: 'never@example.test' });

    await mariadb.kill();
    // Redis up, database down: what Redis holds is served, a miss is the database's 503.
    expect(await h.cache.get(cached.id)).toMatchObject({ source: 'redis' });
    expect(await rejectionOf(h.cache.get(uncached.id))).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });

    await redisServer.kill();
    const outcomes: ReadOutcome[] = [];
    const onRead = (o: ReadOutcome) => outcomes.push(o);
    h.cache.events.on('read', onRead);
    const both = await rejectionOf(h.cache.get(cached.id)).finally(() => h.cache.events.off('read', onRead));
    expect(both).toMatchObject({ code: 'STORES_UNAVAILABLE', statusCode: 503 });
    // A failed read is reported too: the database was asked because Redis could not answer.
    expect(outcomes).toEqual([
      { source: 'none', ok: false, errorKind: 'STORES_UNAVAILABLE', cache: 'fallback', durationMs: expect.any(Number) },
    ]);
    expect(both.message).toMatch(/Redis and the database are both unavailable/);

    await mariadb.start();
    await waitFor('database reads again', async () => (await h.cache.get(uncached.id)).source === 'mysql', 30_000);
    await redisServer.start();
    await servedFromRedis(cached.id);
  }, 90_000);
});
