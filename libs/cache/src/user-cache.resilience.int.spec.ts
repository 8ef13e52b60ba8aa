import fs from 'node:fs';
import path from 'node:path';
import { MariaDbProcess, RedisServerProcess, waitFor } from '@rrl/testing';
import Redis from 'ioredis';
import { rejectionOf, startCacheHarness, type CacheHarness } from './cache.test-helpers';

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

  it('Redis killed: reads keep succeeding from the database, the breaker opens, Redis serves again after a restart', async () => {
    const users = [await cachedUser('Killed One'), await cachedUser('Killed Two')];
    const before = h.cache.stats();
    await redisServer.kill();
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await h.cache.get(users[i % 2].id);
      expect(r).toMatchObject({ source: 'mysql', user: { id: users[i % 2].id } });
      latencies.push(r.durationMs);
    }
    const during = h.cache.stats();
    expect(during.breaker.state).toBe('open');
    expect(during.breakerRejections - before.breakerRejections).toBeGreaterThan(20);
    expect(during.redisErrors - before.redisErrors).toBeGreaterThanOrEqual(5);
    // Fail-fast: a dead Redis costs connection-refused, not a timeout (bound generous for a busy box).
    expect(Math.max(...latencies)).toBeLessThan(1000);

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

  it.each([
    ['the write times out', false],
    ['the breaker is already open', true],
  ])(
    'SIGSTOP (%s): a write while Redis is paused is never read back stale, not even by the first read after SIGCONT',
    async (_, openFirst) => {
      const u = await cachedUser(`Paused Before ${openFirst}`);
      redisServer.pause();
      try {
        if (openFirst) await waitFor('breaker open', async () => (await h.cache.get(u.id)) && h.cache.breaker.state === 'open', 15_000);
        const updated = await h.cache.update(u.id, { name: 'Paused After' });
        expect(updated.name).toBe('Paused After');
        expect(h.cache.stats().pendingInvalidations).toBeGreaterThanOrEqual(1);
      } finally {
        redisServer.unpause();
      }
      const names: string[] = [];
      await waitFor(
        'served from Redis again',
        async () => {
          const r = await h.cache.get(u.id);
          names.push(r.user.name);
          return r.source === 'redis';
        },
        20_000,
      );
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n === 'Paused After')).toBe(true);
      expect(h.cache.stats().pendingInvalidations).toBe(0);
    },
    60_000,
  );

  it('SIGKILL: Redis comes back with the old value on disk, and it is still never served', async () => {
    const u = await cachedUser('Killed Before');
    await redisServer.kill();
    await h.cache.update(u.id, { name: 'Killed After' });
    await h.cache.delete((await h.users.create({ name: 'Gone', email: 'gone@example.test' })).id).catch(() => undefined);
    // The restarted server reloads the pre-outage value from its append-only file: without
    // pending invalidation that is what would be served.
    expect(appendOnlyData()).toContain('Killed Before');
    await redisServer.start();
    const names: string[] = [];
    await waitFor(
      'served from Redis again',
      async () => {
        const r = await h.cache.get(u.id);
        names.push(r.user.name);
        return r.source === 'redis';
      },
      20_000,
    );
    expect(names.every((n) => n === 'Killed After')).toBe(true);
  }, 60_000);

  it('both stores down: 503 STORES_UNAVAILABLE; Redis alone still answers what it holds; both back: served again', async () => {
    const cached = await cachedUser('Both Down');
    const uncached = await h.users.create({ name: 'Never Cached', email: 'never@example.test' });

    await mariadb.kill();
    // Redis up, database down: what Redis holds is served, a miss is the database's 503.
    expect(await h.cache.get(cached.id)).toMatchObject({ source: 'redis' });
    expect(await rejectionOf(h.cache.get(uncached.id))).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });

    await redisServer.kill();
    const both = await rejectionOf(h.cache.get(cached.id));
    expect(both).toMatchObject({ code: 'STORES_UNAVAILABLE', statusCode: 503 });
    expect(both.message).toMatch(/Redis and the database are both unavailable/);

    await mariadb.start();
    await waitFor('database reads again', async () => (await h.cache.get(uncached.id)).source === 'mysql', 30_000);
    await redisServer.start();
    await servedFromRedis(cached.id);
  }, 90_000);
});
