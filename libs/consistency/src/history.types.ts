/**
 * One run's operations as the checker sees them. Times are milliseconds on ONE clock for the whole
 * run (the driver's monotonic clock): a read and a write are compared only by that clock, so no skew
 * between processes can hide or invent a violation.
 */

/** How a write ended. `unknown` (a timeout, a dropped connection, a 5xx) may or may not have applied. */
export type WriteOutcome = 'ok' | 'failed' | 'unknown';

export interface WriteOperation {
  kind: 'write';
  key: string;
  /** The version this write sets: unique per key (a driver counts them per key). */
  version: number;
  invokedAt: number;
  /** Absent while the write is in flight. */
  completedAt?: number;
  outcome?: WriteOutcome;
}

export interface ReadOperation {
  kind: 'read';
  key: string;
  /** The version the read returned. */
  version: number;
  invokedAt: number;
  completedAt: number;
  /** What the run was doing when the read began (a fault name, 'steady'): reports are split by it. */
  tag?: string;
  /** Where the value came from (redis, database), kept in a violation for the report. */
  source?: string;
  /** Which instance or client served it, kept in a violation for the report. */
  origin?: string;
}

export type Operation = WriteOperation | ReadOperation;

export type ViolationKind = 'stale' | 'future';

/** One read that broke the rule, with the writes that show it. */
export interface Violation {
  kind: ViolationKind;
  key: string;
  /** The version the read returned. */
  read: number;
  /**
   * stale: the version that had overwritten the value read before the read began;
   * future: the newest version whose write had begun when the read completed.
   */
  bound: number;
  readInvokedAt: number;
  readCompletedAt: number;
  /** stale: when the write of `bound` was acknowledged (before the read began). */
  boundAckedAt?: number;
  tag?: string;
  source?: string;
  origin?: string;
}

/** Counts for one tag (or the whole run). */
export interface ConsistencyTally {
  readsChecked: number;
  stale: number;
  future: number;
}

export interface ConsistencyReport extends ConsistencyTally {
  writes: { ok: number; failed: number; unknown: number; inFlight: number };
  violations: number;
  /** The first violations, at most `keepViolations` of them (the counts above are complete). */
  examples: Violation[];
  /** Nines of reads that were not violations: "at least" log10(reads) when there were none. */
  nines: number;
  /** Per tag, in the order the tags were first seen. */
  byTag: Record<string, ConsistencyTally & { nines: number }>;
}
