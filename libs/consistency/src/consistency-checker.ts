import type { ConsistencyReport, ConsistencyTally, ReadOperation, Violation, WriteOperation, WriteOutcome } from './history.types';
import { ninesOf } from './nines';

/** The writes of one key, kept as the checker needs them. */
class KeyWrites {
  /** Acknowledgement times, ascending (acks are recorded as they happen), with the running max version. */
  readonly ackedAt: number[] = [];
  readonly ackedMax: number[] = [];
  /** The newest version any write had begun to set (ok, unknown or in flight; not a failed one). */
  maxBegun: number;
  /** Versions whose write is known not to have applied: reading one is a read from the future. */
  readonly failed = new Set<number>();

  constructor(readonly initial: number) {
    this.maxBegun = initial;
  }

  /** The newest version acknowledged strictly before `t`, or the initial version. */
  ackedBefore(t: number): { version: number; at?: number } {
    // Binary search: the last ack with ackedAt < t.
    let lo = 0;
    let hi = this.ackedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ackedAt[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return { version: this.initial };
    return { version: Math.max(this.initial, this.ackedMax[lo - 1]), at: this.ackedAt[lo - 1] };
  }
}

export interface ConsistencyCheckerOptions {
  /** The version every key holds before the run's first write (seeded rows): 0 unless told. */
  initialVersion?: (key: string) => number;
  /** How many violations the report keeps in full (the counts are always complete). */
  keepViolations?: number;
}

export type WriteHandle = { readonly key: string; readonly version: number; readonly invokedAt: number };

/**
 * Checks reads against writes as a run goes, so a run of 10⁷ reads needs memory for its writes
 * only. The rules, on one clock:
 *  - not stale: a read returns at least the newest version whose write was acknowledged before the
 *    read began;
 *  - not from the future: a read returns no newer version than the newest write that had begun
 *    before the read completed, and never a version whose write is known to have failed.
 * A write with an unknown outcome counts as possibly applied: it never raises the stale bound (it
 * was not acknowledged) and it allows the future bound.
 *
 * Events must be recorded in time order (a driver records each as it happens): a read is checked
 * when it completes, and by then every write acknowledged before it began, and every write begun
 * before it completed, has been recorded. Out-of-order histories go through checkHistory().
 */
export class ConsistencyChecker {
  private readonly keys = new Map<string, KeyWrites>();
  private readonly total: ConsistencyTally = { readsChecked: 0, stale: 0, future: 0 };
  private readonly tags = new Map<string, ConsistencyTally>();
  private readonly examples: Violation[] = [];
  private readonly writes = { ok: 0, failed: 0, unknown: 0, inFlight: 0 };
  private readonly initialVersion: (key: string) => number;
  private readonly keepViolations: number;

  constructor(options: ConsistencyCheckerOptions = {}) {
    this.initialVersion = options.initialVersion ?? (() => 0);
    this.keepViolations = options.keepViolations ?? 100;
  }

  get readsChecked(): number {
    return this.total.readsChecked;
  }

  /** A write of `version` to `key` begins at `at`. */
  writeInvoked(key: string, version: number, at: number): WriteHandle {
    const writes = this.writesOf(key);
    if (version > writes.maxBegun) writes.maxBegun = version;
    this.writes.inFlight++;
    return { key, version, invokedAt: at };
  }

  /** The write ended at `at`: acknowledged, known not applied, or unknown (possibly applied). */
  writeCompleted(handle: WriteHandle, outcome: WriteOutcome, at: number): void {
    const writes = this.writesOf(handle.key);
    this.writes.inFlight--;
    this.writes[outcome]++;
    if (outcome === 'failed') {
      writes.failed.add(handle.version);
      return;
    }
    if (outcome !== 'ok') return;
    const last = writes.ackedAt.length - 1;
    // Acks arrive in time order; a same-clock tie keeps the order sorted.
    if (last >= 0 && at < writes.ackedAt[last]) throw new Error(`writes must be recorded in time order (${at} < ${writes.ackedAt[last]})`);
    writes.ackedAt.push(at);
    writes.ackedMax.push(last >= 0 ? Math.max(writes.ackedMax[last], handle.version) : handle.version);
  }

  /** A read completed: checks it. Returns the violation, if any. */
  read(op: Omit<ReadOperation, 'kind'>): Violation | undefined {
    const writes = this.writesOf(op.key);
    const tally = this.tallyOf(op.tag);
    this.total.readsChecked++;
    tally.readsChecked++;
    const acked = writes.ackedBefore(op.invokedAt);
    let violation: Violation | undefined;
    if (op.version < acked.version) {
      violation = this.violation('stale', op, acked.version, acked.at);
    } else if (op.version > writes.maxBegun || (writes.failed.has(op.version) && op.version !== writes.initial)) {
      violation = this.violation('future', op, writes.maxBegun);
    }
    if (!violation) return undefined;
    this.total[violation.kind]++;
    tally[violation.kind]++;
    if (this.examples.length < this.keepViolations) this.examples.push(violation);
    return violation;
  }

  report(): ConsistencyReport {
    const byTag: ConsistencyReport['byTag'] = {};
    for (const [tag, t] of this.tags) byTag[tag] = { ...t, nines: ninesOf(t.readsChecked, t.stale + t.future) };
    const violations = this.total.stale + this.total.future;
    return {
      ...this.total,
      writes: { ...this.writes },
      violations,
      examples: [...this.examples],
      nines: ninesOf(this.total.readsChecked, violations),
      byTag,
    };
  }

  private violation(kind: Violation['kind'], op: Omit<ReadOperation, 'kind'>, bound: number, boundAckedAt?: number): Violation {
    return {
      kind,
      key: op.key,
      read: op.version,
      bound,
      readInvokedAt: op.invokedAt,
      readCompletedAt: op.completedAt,
      ...(boundAckedAt !== undefined && { boundAckedAt }),
      ...(op.tag !== undefined && { tag: op.tag }),
      ...(op.source !== undefined && { source: op.source }),
      ...(op.origin !== undefined && { origin: op.origin }),
    };
  }

  private writesOf(key: string): KeyWrites {
    let writes = this.keys.get(key);
    if (!writes) this.keys.set(key, (writes = new KeyWrites(this.initialVersion(key))));
    return writes;
  }

  private tallyOf(tag = 'untagged'): ConsistencyTally {
    let tally = this.tags.get(tag);
    if (!tally) this.tags.set(tag, (tally = { readsChecked: 0, stale: 0, future: 0 }));
    return tally;
  }
}

/** Types re-exported for callers that build histories by hand. */
export type { WriteOperation };
