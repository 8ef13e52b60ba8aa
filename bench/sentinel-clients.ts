/** The fault benches' HTTP clients: readers and writers against a running API, and what they saw. */
import { sleep } from '@rrl/common';
import type { CacheStats, RedisStatus, UserDto, UserReadResult } from '@rrl/contracts';
import { json } from './support';

/** Share of client operations that are writes (PATCH), the rest reads. */
export const WRITE_SHARE = 0.1;

export { sleep };

export interface Tally {
  served: number;
  failed: number;
  stale: number;
  failedCodes: Record<string, number>;
  latencies: number[];
  /** Writes acknowledged (200) and not. */
  writes: number;
  failedWrites: number;
}

export const newTally = (): Tally => ({
  served: 0,
  failed: 0,
  stale: 0,
  failedCodes: {},
  latencies: [],
  writes: 0,
  failedWrites: 0,
});

const versionOf = (name: string) => Number(/ v(\d+)$/.exec(name)?.[1] ?? -1);

/**
 * One client: owns a few users, writes a new version now and then, reads its users (and others)
 * the rest of the time. It knows the last version the API acknowledged for its own users: reading
 * an older one is a stale read.
 */
export async function client(
  base: string,
  owned: number[],
  all: number[],
  acked: Map<number, number>,
  tally: Tally,
  running: () => boolean,
): Promise<void> {
  let v = 0;
  while (running()) {
    if (Math.random() < WRITE_SHARE) {
      const id = owned[v % owned.length];
      const version = acked.get(id)! + 1 + v++;
      const res = await json<UserDto>(base, 'PATCH', `/api/users/${id}`, { name: `user ${id} v${version}` }).catch(() => ({
        status: 0,
        body: null,
      }));
      if (res.status === 200) {
        acked.set(id, Math.max(acked.get(id)!, version));
        tally.writes++;
      } else tally.failedWrites++;
      continue;
    }
    const mine = Math.random() < 0.5;
    const id = mine ? owned[Math.floor(Math.random() * owned.length)] : all[Math.floor(Math.random() * all.length)];
    const before = acked.get(id)!;
    const t0 = performance.now();
    const res = await json<UserReadResult & { code?: string }>(base, 'GET', `/api/users/${id}`).catch(() => ({
      status: 0,
      body: { code: 'NETWORK' } as never,
    }));
    tally.latencies.push(performance.now() - t0);
    if (res.status === 200) {
      tally.served++;
      if (owned.includes(id) && versionOf(res.body.user.name) < before) tally.stale++;
    } else {
      tally.failed++;
      const code = `${res.status} ${res.body?.code ?? ''}`.trim();
      tally.failedCodes[code] = (tally.failedCodes[code] ?? 0) + 1;
    }
  }
}

export async function settle(base: string, ids: number[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await json<RedisStatus>(base, 'GET', '/api/redis/status');
    const stats = await json<CacheStats>(base, 'GET', '/api/cache/stats');
    const reads = await Promise.all(ids.slice(0, 5).map((id) => json<UserReadResult>(base, 'GET', `/api/users/${id}`)));
    if (
      status.body.state === 'ready' &&
      stats.body.breaker.state === 'closed' &&
      reads.every((r) => r.status === 200 && r.body.source === 'redis')
    )
      return;
    await sleep(200);
  }
  throw new Error('the lab did not settle (Redis ready, breaker closed, reads from Redis) within 60 s');
}
