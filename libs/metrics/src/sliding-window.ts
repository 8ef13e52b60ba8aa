import type { LatencySummary, WindowRates } from '@rrl/contracts';
import { summarize, windowMax } from './latency-histogram';

/** Running totals at one moment: what the windows are computed from. */
export interface WindowSample {
  at: number;
  readsRedis: number;
  readsMysql: number;
  readsNone: number;
  /** Hits including negative hits. */
  hits: number;
  misses: number;
  fallbacks: number;
  failed: number;
  redisErrors: number;
  /** Latency bucket counts per source (redis, mysql, none). */
  latency: [Float64Array, Float64Array, Float64Array];
}

type Counted = Exclude<keyof WindowSample, 'at' | 'latency'>;

/**
 * The running totals copied once a second into a ring (the longest window plus one second), so a
 * rate over N seconds is (totals now - totals N s ago) / elapsed: the hot path only increments.
 */
export class SlidingWindow {
  private readonly ring: WindowSample[] = [];

  constructor(private readonly longestSeconds: number) {}

  push(sample: WindowSample): void {
    this.ring.push(sample);
    if (this.ring.length > this.longestSeconds + 1) this.ring.shift();
  }

  /** The newest sample at least `seconds` old, or the oldest one (early after boot). */
  baseFor(now: number, seconds: number): WindowSample | null {
    const cutoff = now - seconds * 1000;
    let base: WindowSample | null = this.ring[0] ?? null;
    for (const s of this.ring) {
      if (s.at > cutoff) break;
      base = s;
    }
    return base;
  }

  /** Per-second rates and ratios between `current` (live totals) and the sample `seconds` before it. */
  rates(current: WindowSample, seconds: number): WindowRates {
    const base = this.baseFor(current.at, seconds);
    const elapsed = base ? Math.max((current.at - base.at) / 1000, 0.001) : 1;
    const d = (key: Counted) => current[key] - (base ? base[key] : 0);
    const bySource = { redis: d('readsRedis'), mysql: d('readsMysql'), none: d('readsNone') };
    const reads = bySource.redis + bySource.mysql + bySource.none;
    const hits = d('hits');
    const perSecond = (n: number) => Math.round((n / elapsed) * 100) / 100;
    const ratio = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 10_000) / 10_000);
    return {
      windowSeconds: seconds,
      readsPerSecond: perSecond(reads),
      readsPerSecondBySource: { redis: perSecond(bySource.redis), mysql: perSecond(bySource.mysql), none: perSecond(bySource.none) },
      hitRate: ratio(hits, hits + d('misses')),
      fallbackRate: ratio(d('fallbacks'), reads),
      errorRate: ratio(d('failed'), reads),
      redisErrorsPerSecond: perSecond(d('redisErrors')),
    };
  }

  /** Latency percentiles of one source (index into `latency`) over the last `seconds`. */
  latency(current: WindowSample, seconds: number, source: 0 | 1 | 2, allTimeMaxMs: number): LatencySummary {
    const base = this.baseFor(current.at, seconds)?.latency[source];
    const live = current.latency[source];
    const counts = base ? live.map((c, i) => c - base[i]) : live;
    const count = counts.reduce((a, b) => a + b, 0);
    return summarize(counts, count, windowMax(counts, allTimeMaxMs));
  }
}
