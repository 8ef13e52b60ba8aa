/**
 * The fault matrix's readers and writers, the same for every read path (the lab's and the peers').
 * Each client owns a few users, writes a new version now and then (10 %), and reads the rest of the
 * time. A read or write still waiting after HUNG_MS is counted as hung and left behind, as a caller
 * with a 10 s budget would; when it settles later its wait still counts towards the longest wait.
 */
import { AppError, errorMessage } from '@rrl/contracts';
import { TimeoutError, withTimeout } from '@rrl/common';
import { HttpPathError, type PathSource, type ReadPath } from './read-path';

export const HUNG_MS = 10_000;
/** Share of client operations that are writes, the rest reads. */
export const WRITE_SHARE = 0.1;

export interface Tally {
  served: number;
  failed: number;
  /** Still waiting after HUNG_MS. */
  hung: number;
  /** A read older than the last write acknowledged before it began. */
  stale: number;
  failedCodes: Record<string, number>;
  bySource: Partial<Record<PathSource, number>>;
  /** Settled reads, ms. */
  latencies: number[];
  /** Longest wait of any read, hung ones included (until they settle, or until now). */
  maxWaitMs: number;
  /** [start, end] (epoch ms) of reads answered by Redis: recovery is the first one after the target is back. */
  redisReads: [number, number][];
  writes: { acked: number; failed: number; hung: number };
}

export const newTally = (): Tally => ({
  served: 0,
  failed: 0,
  hung: 0,
  stale: 0,
  failedCodes: {},
  bySource: {},
  latencies: [],
  maxWaitMs: 0,
  redisReads: [],
  writes: { acked: 0, failed: 0, hung: 0 },
});

/** Version written into a user's name ("user 7 v12"); -1 when absent. */
export const versionOf = (name: string) => Number(/ v(\d+)$/.exec(name)?.[1] ?? -1);

/** Every write in this process takes a new, higher version, whichever path and run it belongs to. */
let lastVersion = Date.now();

function failureCode(e: unknown): string {
  if (e instanceof HttpPathError) return e.message;
  if (e instanceof AppError) return e.code;
  const name = (e as { code?: unknown; name?: unknown })?.code ?? (e as { name?: unknown })?.name;
  return typeof name === 'string' && name !== 'Error' ? name : errorMessage(e).slice(0, 60);
}

/** Milliseconds a read (or write) waited: settled, hung and settled later, or hung still. */
function track<T>(tally: Tally, work: Promise<T>): Promise<T> {
  const t0 = performance.now();
  const limited = withTimeout(work, HUNG_MS, 'read path');
  void limited.catch((e: unknown) => {
    if (!(e instanceof TimeoutError)) return;
    const record = () => (tally.maxWaitMs = Math.max(tally.maxWaitMs, performance.now() - t0));
    record();
    void work.then(record, record);
  });
  return limited;
}

export interface ClientSetup {
  path: ReadPath;
  owned: number[];
  all: number[];
  /** Last version acknowledged per user, shared by the clients of one run. */
  acked: Map<number, number>;
  tally: Tally;
  signal: AbortSignal;
}

async function write({ path, acked, tally }: ClientSetup, id: number): Promise<void> {
  const version = ++lastVersion;
  try {
    await track(tally, path.update(id, { name: `user ${id} v${version}` }));
    tally.writes.acked++;
    acked.set(id, Math.max(acked.get(id) ?? 0, version));
  } catch (e) {
    if (e instanceof TimeoutError) tally.writes.hung++;
    else tally.writes.failed++;
  }
}

async function read({ path, acked, tally }: ClientSetup, id: number): Promise<void> {
  const before = acked.get(id) ?? 0;
  const started = Date.now();
  const t0 = performance.now();
  try {
    const { user, source } = await track(tally, path.get(id));
    const ms = performance.now() - t0;
    tally.latencies.push(ms);
    tally.maxWaitMs = Math.max(tally.maxWaitMs, ms);
    tally.served++;
    tally.bySource[source] = (tally.bySource[source] ?? 0) + 1;
    if (source === 'redis') tally.redisReads.push([started, Date.now()]);
    if (user && versionOf(user.name) < before) tally.stale++;
  } catch (e) {
    if (e instanceof TimeoutError) {
      tally.hung++;
      return;
    }
    const ms = performance.now() - t0;
    tally.latencies.push(ms);
    tally.maxWaitMs = Math.max(tally.maxWaitMs, ms);
    tally.failed++;
    const code = failureCode(e);
    tally.failedCodes[code] = (tally.failedCodes[code] ?? 0) + 1;
  }
}

/** One client until the signal aborts: reads (half of them its own users) and, now and then, a write. */
export async function client(setup: ClientSetup): Promise<void> {
  const { owned, all, signal } = setup;
  const pick = (ids: number[]) => ids[Math.floor(Math.random() * ids.length)];
  while (!signal.aborted) {
    if (Math.random() < WRITE_SHARE) await write(setup, pick(owned));
    else await read(setup, Math.random() < 0.5 ? pick(owned) : pick(all));
  }
}
