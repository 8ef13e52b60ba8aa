import type { ConsistencyReport, ConsistencyTally, ReadOperation, Violation, WriteOperation, WriteOutcome } from './history.types';
import { ninesOf } from './nines';

/** One write as the checker keeps it. */
interface KeptWrite {
  invokedAt: number;
  /** Set once acknowledged; an unknown or in-flight write has none (it may apply at any time). */
  ackedAt?: number;
  failed?: boolean;
}

/** The writes of one key, kept as the checker needs them. */
class KeyWrites {
  readonly byVersion = new Map<number, KeptWrite>();
  /** Acknowledgement times, ascending (acks are recorded as they happen)... */
  readonly ackedAt: number[] = [];
  /** ...and, up to each, the latest start of an acknowledged write, with its version. */
  readonly latestStart: number[] = [];
  readonly latestStartVersion: number[] = [];
  /** The newest version any write had begun to set: the future bound a report names. */
  maxBegun: number;

  constructor(readonly initial: number) {
    this.maxBegun = initial;
  }

  /**
   * Of the writes acknowledged strictly before `t`, the one that began last: if it began after the
   * write of what a read returned was acknowledged, that value was overwritten before the read began.
   */
  latestAckedBefore(t: number): { version: number; invokedAt: number; ackedAt: number } | null {
    // Binary search: the last ack with ackedAt < t.
    let lo = 0;
    let hi = this.ackedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ackedAt[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    const i = lo - 1;
    const version = this.latestStartVersion[i];
    return { version, invokedAt: this.latestStart[i], ackedAt: this.byVersion.get(version)!.ackedAt! };
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
 *  - not stale: a read returns a value that was not overwritten before the read began, i.e. no
 *    write acknowledged before the read began had started after the write of the value read was
 *    acknowledged. (Two writes of one key that overlap in time may take effect in either order, so
 *    versions are ordered by real time, not by number.)
 *  - not from the future: a read returns a value whose write had begun before the read completed,
 *    and never one whose write is known to have failed.
 * A write with an unknown outcome (a timeout) counts as possibly applied, at any time after it
 * began: reading it is allowed, and nothing counts as having overwritten it for sure.
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
    if (writes.byVersion.has(version) || version === writes.initial) throw new Error(`${key}: version ${version} is written twice`);
    writes.byVersion.set(version, { invokedAt: at });
    if (version > writes.maxBegun) writes.maxBegun = version;
    this.writes.inFlight++;
    return { key, version, invokedAt: at };
  }

  /** The write ended at `at`: acknowledged, known not applied, or unknown (possibly applied). */
  writeCompleted(handle: WriteHandle, outcome: WriteOutcome, at: number): void {
    const writes = this.writesOf(handle.key);
    const kept = writes.byVersion.get(handle.version)!;
    this.writes.inFlight--;
    this.writes[outcome]++;
    if (outcome === 'failed') kept.failed = true;
    if (outcome !== 'ok') return;
    const last = writes.ackedAt.length - 1;
    // Acks arrive in time order; a same-clock tie keeps the order sorted.
    if (last >= 0 && at < writes.ackedAt[last]) throw new Error(`writes must be recorded in time order (${at} < ${writes.ackedAt[last]})`);
    kept.ackedAt = at;
    writes.ackedAt.push(at);
    const later = last < 0 || handle.invokedAt > writes.latestStart[last];
    writes.latestStart.push(later ? handle.invokedAt : writes.latestStart[last]);
    writes.latestStartVersion.push(later ? handle.version : writes.latestStartVersion[last]);
  }

  /** A read completed: checks it. Returns the violation, if any. */
  read(op: Omit<ReadOperation, 'kind'>): Violation | undefined {
    const writes = this.writesOf(op.key);
    const tally = this.tallyOf(op.tag);
    this.total.readsChecked++;
    tally.readsChecked++;
    const own = op.version === writes.initial ? null : writes.byVersion.get(op.version);
    let violation: Violation | undefined;
    if (own !== null && (own === undefined || own.failed || own.invokedAt >= op.completedAt)) {
      violation = this.violation('future', op, writes.maxBegun);
    } else {
      // When the value read was acknowledged: never for the seeded value, and an unknown or
      // in-flight write may take effect at any time, so nothing can have overwritten it for sure.
      const ownAckedAt = own === null ? -Infinity : (own.ackedAt ?? Infinity);
      const overwriter = writes.latestAckedBefore(op.invokedAt);
      if (overwriter && overwriter.invokedAt > ownAckedAt) violation = this.violation('stale', op, overwriter.version, overwriter.ackedAt);
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
