import { METRIC_READ_SOURCES, type MetricsSnapshot } from '@rrl/contracts';
import type { Phase, Probe } from './experiment.schema';

export interface Breach {
  /** Milliseconds since the experiment started. */
  atMs: number;
  at: string;
  value: number;
  /** How far past the tolerance (value − max, or min − value). */
  by: number;
}

export interface ProbeResult {
  probe: string;
  kind: Probe['kind'];
  phase: Phase;
  /** An abort condition rather than part of the hypothesis. */
  abort: boolean;
  tolerance: { max?: number; min?: number };
  /** skipped: the run ended (aborted) before the phase; unmeasured: nothing to measure (no reads in the window). */
  status: 'passed' | 'breached' | 'skipped' | 'unmeasured';
  /** The value at the end of the phase (or at the breach). */
  value: number | null;
  breach: Breach | null;
}

/** How far a value is past its tolerance; 0 when within. */
export function excess(value: number, tolerance: { max?: number; min?: number }): number {
  if (tolerance.max !== undefined && value > tolerance.max) return value - tolerance.max;
  if (tolerance.min !== undefined && value < tolerance.min) return tolerance.min - value;
  return 0;
}

/** A counter probe over the phase so far: the change between the phase's first snapshot and now. */
export function snapshotValue(probe: Probe, base: MetricsSnapshot, now: MetricsSnapshot): number | null {
  switch (probe.kind) {
    case 'failed-reads':
      return now.totals.failedReads - base.totals.failedReads;
    case 'redis-read-share': {
      const delta = (s: (typeof METRIC_READ_SOURCES)[number]) => now.totals.reads[s] - base.totals.reads[s];
      // A failed read is counted under its source too (source "none" when no store answered).
      const total = METRIC_READ_SOURCES.reduce((sum, s) => sum + delta(s), 0);
      return total > 0 ? delta('redis') / total : null;
    }
    case 'p99-read-latency': {
      const p99s = METRIC_READ_SOURCES.map((s) => now.latency[s]).filter((l) => l.count > 0 && l.p99 !== null);
      return p99s.length ? Math.max(...p99s.map((l) => l.p99!)) : null;
    }
    case 'http-status':
      return null; // measured by a request, not from the snapshot
  }
}

/**
 * A share is what the tolerance names over the whole window, so it is judged when the phase ends
 * (one slow first second after a restart is not a breach of "95 % over the window"); the other kinds
 * are breached the moment they cross. Abort conditions are always judged at once.
 */
export function judgedEverySample(probe: Probe, abort: boolean): boolean {
  return abort || probe.kind !== 'redis-read-share';
}
