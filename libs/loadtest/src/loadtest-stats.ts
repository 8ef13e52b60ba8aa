import type { LoadTestOutage, LoadTestProgress, MetricReadSource } from '@rrl/contracts';
import { LoopLatencyHistogram } from './loop-latency-histogram';

/**
 * What a run has counted so far, in plain fields and one fixed-size histogram: nothing grows with
 * the number of iterations (only errorsByKind, by distinct error code).
 */
export class LoadTestStats {
  done = 0;
  succeeded = 0;
  failed = 0;
  writes = 0;
  readonly readsBySource: Record<MetricReadSource, number> = { redis: 0, mysql: 0, none: 0 };
  readonly errorsByKind: Record<string, number> = {};
  readonly latency = new LoopLatencyHistogram();

  read(source: MetricReadSource, ms: number): void {
    this.done++;
    this.succeeded++;
    this.readsBySource[source]++;
    this.latency.record(ms);
  }

  write(ms: number): void {
    this.done++;
    this.succeeded++;
    this.writes++;
    this.latency.record(ms);
  }

  failure(kind: string, ms: number, wasRead: boolean): void {
    this.done++;
    this.failed++;
    if (wasRead) this.readsBySource.none++;
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    this.latency.record(ms);
  }
}

/** Rate over the last tick (about a second) and since the start; ETA from the recent rate. */
export class RateClock {
  private readonly startedAt: number;
  private last: { at: number; done: number };
  private recentRate = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = this.now();
    this.last = { at: this.startedAt, done: 0 };
  }

  /** Call about once a second. */
  tick(done: number): void {
    const at = this.now();
    if (at - this.last.at <= 0) return;
    this.recentRate = ((done - this.last.done) / (at - this.last.at)) * 1000;
    this.last = { at, done };
  }

  progress(stats: LoadTestStats, total: number, outages: LoadTestOutage[]): LoadTestProgress {
    const elapsed = this.now() - this.startedAt;
    const average = elapsed > 0 ? (stats.done / elapsed) * 1000 : 0;
    const rate = this.recentRate || average;
    return {
      done: stats.done,
      total,
      ratePerSecond: Math.round(this.recentRate),
      averageRatePerSecond: Math.round(average),
      etaSeconds: rate > 0 ? Math.round((total - stats.done) / rate) : null,
      succeeded: stats.succeeded,
      failed: stats.failed,
      successRate: stats.done ? stats.succeeded / stats.done : 1,
      readsBySource: { ...stats.readsBySource },
      writes: stats.writes,
      errorsByKind: { ...stats.errorsByKind },
      latency: stats.latency.summary(),
      outages,
    };
  }
}
