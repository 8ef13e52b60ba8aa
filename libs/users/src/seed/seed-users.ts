import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CreateUserInput } from '@rrl/contracts';
import type { DataSource } from 'typeorm';
import { User } from '../user.entity';
import { COMPANY_SUFFIXES, COMPANY_WORDS, FIRST_NAMES, LAST_NAMES, PLACES } from './seed-words';

export interface SeedProgress {
  /** Seed indexes processed so far (inserted + skipped). */
  done: number;
  total: number;
  inserted: number;
  /** Rows whose email already existed (a re-run, or users created through the API). */
  skipped: number;
  elapsedMs: number;
  ratePerSec: number;
}

export interface SeedOptions {
  /** Users 1..count exist afterwards. */
  count?: number;
  /** Rows per multi-row INSERT, one transaction each. */
  batchSize?: number;
  onProgress?: (progress: SeedProgress) => void;
  /** Stops the seed between batches (rejects with the signal's reason); what was inserted stays. */
  signal?: AbortSignal;
}

export type SeedResult = SeedProgress;

/** The deterministic user with seed index i (1-based). */
export function seedUser(i: number): Required<CreateUserInput> {
  const [city, country] = PLACES[(i * 7) % PLACES.length];
  return {
    name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]}`,
    email: `user${i}@example.test`,
    company: `${COMPANY_WORDS[(i * 3) % COMPANY_WORDS.length]} ${COMPANY_SUFFIXES[(i * 5) % COMPANY_SUFFIXES.length]}`,
    city,
    country,
    // Every tenth user is inactive so filters have something to show.
    active: i % 10 !== 0,
  };
}

/**
 * Inserts seed users 1..count in batches, each one multi-row INSERT inside a transaction.
 * Idempotent: INSERT IGNORE (INSERT OR IGNORE on SQLite) skips emails already present, so a
 * re-run, or a larger count after a smaller one, only adds what is missing. Yields to the event
 * loop between batches and stops there when `signal` aborts.
 */
export async function seedUsers(
  dataSource: DataSource,
  { count = 10_000, batchSize = 1000, onProgress, signal }: SeedOptions = {},
): Promise<SeedResult> {
  const started = performance.now();
  const progress: SeedProgress = { done: 0, total: count, inserted: 0, skipped: 0, elapsedMs: 0, ratePerSec: 0 };
  for (let first = 1; first <= count; first += batchSize) {
    // better-sqlite3 answers synchronously, so without a real turn of the event loop between
    // batches a large seed would starve HTTP, /health, the WebSocket and SIGTERM until it ends.
    await nextTurn();
    signal?.throwIfAborted();
    const rows = Array.from({ length: Math.min(batchSize, count - first + 1) }, (_, k) => seedUser(first + k));
    const inserted = await insertBatch(dataSource, rows);
    progress.done += rows.length;
    progress.inserted += inserted;
    progress.skipped += rows.length - inserted;
    progress.elapsedMs = Math.round(performance.now() - started);
    progress.ratePerSec = Math.round((progress.done / Math.max(progress.elapsedMs, 1)) * 1000);
    onProgress?.({ ...progress });
  }
  return progress;
}

async function insertBatch(dataSource: DataSource, rows: CreateUserInput[]): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const [sql, params] = manager
      .createQueryBuilder()
      .insert()
      .into(User)
      .values(rows)
      .orIgnore()
      .updateEntity(false)
      .getQueryAndParameters();
    // The structured result carries the affected-row count on both drivers (InsertResult does not on SQLite).
    const result = await manager.queryRunner!.query(sql, params, true);
    return result.affected ?? rows.length;
  });
}
