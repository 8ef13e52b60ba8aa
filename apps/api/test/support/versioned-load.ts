import type { UserDto } from '@rrl/contracts';
import type { Lab } from './lab';
import { read, type ReadOutcome } from './readers';

/** The version a user's name carries ("<tag> <id> v<n>"), -1 without one. */
const versionOf = (name: string | undefined) => Number(/ v(\d+)$/.exec(name ?? '')?.[1] ?? -1);

export interface VersionedLoadResult {
  reads: ReadOutcome[];
  /** Reads that saw an older version than the API had acknowledged before the read began. */
  stale: string[];
  writes: number;
  failedWrites: number;
}

/**
 * Readers over `ids` and writers renaming them to ever newer versions ("<tag> <id> v<n>"), until
 * stopped. Each writer owns its own users, so the version acknowledged last is the newest: a read
 * older than that is stale. `completed()` counts reads so far, `progress()` is the result so far.
 */
export function versionedLoad(lab: Lab, ids: number[], tag: string, { readers = 6, writers = 2 } = {}) {
  const acked = new Map<number, number>();
  const result: VersionedLoadResult = { reads: [], stale: [], writes: 0, failedWrites: 0 };
  let running = true;
  let version = Date.now(); // above every version an earlier load wrote
  const reader = async () => {
    for (let i = 0; running; i++) {
      const id = ids[Math.floor(Math.random() * ids.length)];
      const before = acked.get(id) ?? -1;
      const r = await read(lab, id);
      result.reads.push(r);
      if (r.status === 200 && versionOf(r.name) < before)
        result.stale.push(`user ${id}: read "${r.name}" after v${before} was acknowledged`);
    }
  };
  const writer = async (k: number) => {
    const mine = ids.filter((_, i) => i % writers === k);
    while (running) {
      const id = mine[Math.floor(Math.random() * mine.length)];
      const v = ++version;
      const res = await lab.send<UserDto>('PATCH', `/api/users/${id}`, { name: `${tag} ${id} v${v}` }).catch(() => ({ status: 0 }));
      if (res.status === 200) {
        acked.set(id, v);
        result.writes++;
      } else result.failedWrites++;
      await new Promise((r) => setTimeout(r, 20)); // about one write in ten operations
    }
  };
  const all = [...Array.from({ length: readers }, reader), ...Array.from({ length: writers }, (_, k) => writer(k))];
  return {
    completed: () => result.reads.length,
    progress: (): Readonly<VersionedLoadResult> => result,
    stop: async (): Promise<VersionedLoadResult> => {
      running = false;
      await Promise.all(all);
      return result;
    },
  };
}
