import { FaultProxy } from '@rrl/chaos';
import { percentile, sleep, sortedAscending } from '@rrl/common';
import type { CacheStats, RedisStatus, UserDto } from '@rrl/contracts';
import { createTestDatabase, freePort, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { ApiProcess } from './support/api-process';
import type { LabClient } from './support/lab-client';
import { createUsers, read, readers, type ReadOutcome } from './support/readers';

/**
 * The promise (docs/testing.md, "asymmetric partition"): an instance that can reach Redis learns
 * of another's pending marks within a second, so it serves an old value for at most that second
 * after the write was acknowledged. Pinned here, not imported: a slower poll must fail this test.
 */
const PROMISED_MS = 1000;
/**
 * The 500 ms on top are for a loaded 2-core machine (other suites, MariaDB, Redis, two APIs and
 * the readers share it): B's poll timer firing late, its query and the DEL queueing behind the
 * readers' requests, measured in another process than the one that checks the time.
 */
const WINDOW_MS = PROMISED_MS + 500;
const USERS = 8;
/** Renames of each user during the cut. */
const VERSIONS = 3;
/** Between two writes: not a divisor of the 1 s poll, so the acks land at every phase of B's poll. */
const WRITE_GAP_MS = 230;
/** Reads of every user sent after the last write's window closed. */
const READS_PAST_WINDOW = 3 * USERS;

interface Write {
  id: number;
  version: number;
  ackAt: number;
}

const nameOf = (tag: string, i: number, version: number) => `${tag} ${i} v${version}`;
/** createUsers names them "<tag> <i>": version 0. */
const versionOf = (name: string | undefined) => Number(/ v(\d+)$/.exec(name ?? '')?.[1] ?? 0);

type VersionedRead = ReadOutcome & { version: number };

/** B's reads per user (the name says which: "<tag> <i> v<version>"). */
function readsByUser(outcomes: ReadOutcome[], ids: number[], tag: string): Map<number, VersionedRead[]> {
  const reads = new Map(ids.map((id) => [id, [] as VersionedRead[]]));
  const indexOf = (name: string | undefined) => Number(new RegExp(`^${tag} (\\d+)`).exec(name ?? '')?.[1]);
  for (const o of outcomes) reads.get(ids[indexOf(o.name)])?.push({ ...o, version: versionOf(o.name) });
  return reads;
}

/**
 * How long after the ack B still answered with an older value: to the answer of the last such
 * read (its response time included, so never flattered by a slow reader), 0 when none came after it.
 */
function msServingOld(write: Write, reads: VersionedRead[]): number {
  const old = reads.filter((r) => r.at >= write.ackAt && r.version < write.version);
  return old.length === 0 ? 0 : Math.max(...old.map((r) => r.at + r.ms)) - write.ackAt;
}

/**
 * Issue 10, several API instances: A reaches Redis through the fault proxy, B straight. The proxy
 * blackholes A's traffic (the partition scenario's toxic), so A's writes miss Redis and A marks
 * their keys pending in the database; B never loses its connection, so only its poll of that log
 * (PendingInvalidationsService, LOG_POLL_MS) can stop it serving the old values Redis holds.
 *
 * The proxy is the test's own (the same FaultProxy CHAOS_PROXY_ENABLED puts in the API): A's chaos
 * API cannot cut it off, since its process driver only knows a redis-server it manages itself,
 * and the partition scenario answers 404 TARGET_NOT_FOUND for an external one.
 * Needs the build (npm test builds first).
 */
describe('asymmetric partition: one API cut off from Redis, one not (two built APIs, real redis-server, real MariaDB)', () => {
  const TAG = 'asym';
  let redis: RedisServerProcess;
  let proxy: FaultProxy;
  let db: TestDatabase;
  let writer: ApiProcess; // A
  let reader: ApiProcess; // B
  let ids: number[];

  const status = async (api: LabClient) => (await api.get<RedisStatus>('/api/redis/status')).body;

  beforeAll(async () => {
    [redis, db] = await Promise.all([RedisServerProcess.start(), createTestDatabase()]);
    proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: redis.port } });
    const env = (redisPort: number) => ({
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      MYSQL_HOST: db.host,
      MYSQL_PORT: String(db.port),
      MYSQL_USER: db.user,
      MYSQL_PASSWORD: db.password,
      MYSQL_DATABASE: db.database,
    });
    writer = new ApiProcess(await freePort(), env(proxy.port));
    reader = new ApiProcess(await freePort(), env(redis.port));
    // One after the other: both would run the migrations on the empty database.
    await writer.start();
    await reader.start();
    for (const api of [writer, reader]) await waitFor('redis ready', async () => (await status(api.client)).state === 'ready');
    ids = await createUsers(writer.client, USERS, TAG);
    // Cached by reading through both: the first read fills Redis, B's reads then come from there.
    for (const id of ids) for (const api of [writer, reader]) await read(api.client, id);
    for (const id of ids) expect((await read(reader.client, id)).source).toBe('redis');
  }, 120_000);

  afterAll(async () => {
    // Each step runs whatever failed before it; SIGTERM drains for shutdownGraceMs (5 s) first.
    await Promise.allSettled([writer?.stop(), reader?.stop()]);
    await Promise.allSettled([proxy?.stop(), redis?.stop(), db?.drop()]);
  }, 30_000);

  it('B stops serving what A could not write to Redis within 1 s (+ 500 ms for a loaded machine), and never reads it back stale after that', async () => {
    const bBefore = await status(reader.client);
    const load = readers(reader.client, ids, 4);
    const writes: Write[] = [];
    let outcomes: ReadOutcome[];
    try {
      await proxy.setToxic({ name: 'asymmetric-partition', type: 'blackhole', direction: 'both' });
      // A's heartbeat notices the silent Redis (< 2 s); from then on its writes miss Redis at once.
      await waitFor('A cut off from Redis', async () => (await status(writer.client)).state !== 'ready', 10_000);

      for (let version = 1; version <= VERSIONS; version++) {
        for (const [i, id] of ids.entries()) {
          const res = await writer.client.send<UserDto>('PATCH', `/api/users/${id}`, { name: nameOf(TAG, i, version) });
          expect(res.status).toBe(200);
          writes.push({ id, version, ackAt: performance.now() });
          await sleep(WRITE_GAP_MS);
        }
      }
      // The claim is about reads after each write's window: keep reading past the last one.
      const lastWindowEnd = writes[writes.length - 1].ackAt + WINDOW_MS;
      await waitFor(
        'reads after the last window',
        () => load.outcomes().filter((o) => o.at >= lastWindowEnd).length >= READS_PAST_WINDOW,
        WINDOW_MS + 20_000,
      );
    } finally {
      outcomes = await load.stop();
    }

    // Every write missed Redis on A: its marks are still pending there (it cannot DEL them).
    const aStats = (await writer.client.get<CacheStats>('/api/cache/stats')).body;
    expect(aStats.pendingInvalidations).toBeGreaterThanOrEqual(USERS);
    // B's connection never dropped: nothing but the poll can have told it.
    const bAfter = await status(reader.client);
    expect(bAfter.state).toBe('ready');
    expect(bAfter.stats.lastReadyAt).toBe(bBefore.stats.lastReadyAt);
    expect(bAfter.stats.attempts).toBe(bBefore.stats.attempts);

    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const readsOf = readsByUser(outcomes, ids, TAG);

    // Safety: once a write's window has passed, no read of that user returns an older version.
    const stale = writes.flatMap((w) =>
      readsOf
        .get(w.id)!
        .filter((r) => r.at >= w.ackAt + WINDOW_MS && r.version < w.version)
        .map((r) => ({ id: w.id, wrote: w.version, read: r.version, source: r.source, msAfterAck: Math.round(r.at - w.ackAt) })),
    );
    expect({ stale: stale.length, first: stale.slice(0, 5) }).toEqual({ stale: 0, first: [] });

    const servingOldMs = writes.map((w) => msServingOld(w, readsOf.get(w.id)!));
    // Old values B served from Redis after an ack: the hazard is real, and the poll ended it.
    const staleAfterAck = writes.flatMap((w) =>
      readsOf.get(w.id)!.filter((r) => r.at >= w.ackAt && r.version < w.version && r.source === 'redis'),
    );
    const sorted = sortedAscending(servingOldMs);
    const fromRedis = outcomes.filter((o) => o.source === 'redis').length;
    console.log(
      `asymmetric partition: ${writes.length} writes on A, ${outcomes.length} reads on B (${fromRedis} from Redis); ` +
        `B's last answer with the old value came ${Math.round(percentile(sorted, 50) ?? 0)} ms (median) / ${Math.round(sorted[sorted.length - 1])} ms (max) ` +
        `after the ack (window ${WINDOW_MS} ms); ${staleAfterAck.length} old values served from Redis after an ack, none after the window; ` +
        `A has ${aStats.pendingInvalidations} keys pending`,
    );
    expect(Math.max(...servingOldMs)).toBeLessThanOrEqual(WINDOW_MS);
    expect(staleAfterAck.length).toBeGreaterThan(0);
    // B served from Redis (it did not pass by reading MySQL): most reads, and every user again at the end.
    expect(fromRedis / outcomes.length).toBeGreaterThan(0.5);
    for (const [i, id] of ids.entries()) {
      const again = await read(reader.client, id);
      expect({ name: again.name, source: again.source }).toEqual({ name: nameOf(TAG, i, VERSIONS), source: 'redis' });
    }
  }, 60_000);
});
