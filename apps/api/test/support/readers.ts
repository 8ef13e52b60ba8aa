import type { UserDto, UserReadResult } from '@rrl/contracts';
import { hammer, type Lab } from './lab';

/** What one GET /api/users/:id looked like from the client's side. */
export interface ReadOutcome {
  status: number;
  source?: string;
  /** The user's name, to spot a stale read. */
  name?: string;
  /** The error code of a failed read. */
  code?: string;
  ms: number;
}

export async function read(lab: Lab, id: number): Promise<ReadOutcome> {
  const t0 = performance.now();
  const r = await lab.get<UserReadResult & { code?: string }>(`/api/users/${id}`);
  return { status: r.status, source: r.body?.source, name: r.body?.user?.name, code: r.body?.code, ms: performance.now() - t0 };
}

/** Concurrent readers over `ids` until stopped; `completed()` counts reads so far, stop() returns every outcome. */
export function readers(lab: Lab, ids: number[], concurrency = 6) {
  let stop = false;
  let i = 0;
  let completed = 0;
  const done = hammer(
    concurrency,
    () => read(lab, ids[i++ % ids.length]).finally(() => completed++),
    () => stop,
  );
  return { completed: () => completed, stop: async () => ((stop = true), done) };
}

export async function createUsers(lab: Lab, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await lab.send<UserDto>('POST', '/api/users', { name: `${tag} ${i}`, email: `${tag}${i}@example.test` })).body.id);
  return ids;
}
