import type { UserDto, UserReadResult } from '@rrl/contracts';
import type { LabClient } from './lab-client';

/** What one GET /api/users/:id looked like from the client's side. */
export interface ReadOutcome {
  status: number;
  source?: string;
  /** The user's name, to spot a stale read. */
  name?: string;
  /** The error code of a failed read. */
  code?: string;
  /** When the read was sent (performance.now()), to order it against a write's acknowledgement. */
  at: number;
  ms: number;
}

export async function read(lab: LabClient, id: number): Promise<ReadOutcome> {
  const t0 = performance.now();
  const r = await lab.get<UserReadResult & { code?: string }>(`/api/users/${id}`);
  return { status: r.status, source: r.body?.source, name: r.body?.user?.name, code: r.body?.code, at: t0, ms: performance.now() - t0 };
}

/** Runs `fn` concurrently `concurrency` wide until `until()` is true, pushing every outcome to `out`. */
async function hammer<T>(concurrency: number, fn: () => Promise<T>, until: () => boolean, out: T[] = []): Promise<T[]> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) out.push(await fn());
    }),
  );
  return out;
}

/**
 * Concurrent readers over `ids` until stopped; `completed()` counts reads so far, `outcomes()` are
 * the reads answered so far, stop() returns every outcome.
 */
export function readers(lab: LabClient, ids: number[], concurrency = 6) {
  let stop = false;
  let i = 0;
  let completed = 0;
  const out: ReadOutcome[] = [];
  const done = hammer(
    concurrency,
    () => read(lab, ids[i++ % ids.length]).finally(() => completed++),
    () => stop,
    out,
  );
  return { completed: () => completed, outcomes: (): readonly ReadOutcome[] => out, stop: async () => ((stop = true), done) };
}

export async function createUsers(lab: LabClient, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await lab.send<UserDto>('POST', '/api/users', { name: `${tag} ${i}`, email: `${tag}${i}@example.test` })).body.id);
  return ids;
}
