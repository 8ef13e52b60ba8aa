import type { LatencySummary } from '@rrl/contracts';

/** Values below this many microseconds get a bucket each (exact); above, 32 buckets per power of two. */
const LINEAR_LIMIT = 64;
const SUB_BUCKET_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Largest recordable value, µs (~35 min): Math.clz32 works on 32-bit integers; longer values clamp to it. */
const MAX_US = 2 ** 31 - 1;
const BUCKETS = LINEAR_LIMIT + (31 - 6) * SUB_BUCKETS;

/**
 * A fixed-size log-linear latency histogram (HdrHistogram's layout with 2 significant bits less):
 * exact below 64 µs, then 32 buckets per power of two, so any percentile is within 1/32 (3 %) of
 * the true value whatever the count, in 864 counters (7 KB) for a run of any length. Hand-written
 * because recording is on the loop test's hot path: one clz32, a shift and an array increment, no
 * allocation (hdr-histogram-js boxes its WASM/JS variants behind a dynamic dispatch and a BigInt
 * total in its packed form; the loop test must stay within 0.85× of a bare Redis GET loop).
 */
export class LoopLatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumMs = 0;
  private maxMs = 0;

  record(ms: number): void {
    const us = ms <= 0 ? 0 : ms >= MAX_US / 1000 ? MAX_US : Math.round(ms * 1000);
    this.counts[bucketOf(us)]++;
    this.total++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  get meanMs(): number | null {
    return this.total ? this.sumMs / this.total : null;
  }

  get max(): number | null {
    return this.total ? this.maxMs : null;
  }

  /** The value at percentile p (0 … 100), ms: the upper edge of its bucket, never above the max seen. */
  percentile(p: number): number | null {
    if (!this.total) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperEdgeUs(i) / 1000, this.maxMs);
    }
    return this.maxMs;
  }

  /** Adds another histogram's samples (the CLI's per-source histograms into the total). */
  add(other: LoopLatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sumMs += other.sumMs;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  summary(): LatencySummary {
    const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
    return {
      count: this.total,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.max),
    };
  }
}

function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT) return us;
  const exponent = 31 - Math.clz32(us); // floor(log2 us), ≥ 6 here
  const mantissa = us >>> (exponent - SUB_BUCKET_BITS); // the top 6 bits: 32 … 63
  return LINEAR_LIMIT + (exponent - 6) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

function upperEdgeUs(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const exponent = 6 + Math.floor((bucket - LINEAR_LIMIT) / SUB_BUCKETS);
  const mantissa = SUB_BUCKETS + ((bucket - LINEAR_LIMIT) % SUB_BUCKETS);
  return (mantissa + 1) * 2 ** (exponent - SUB_BUCKET_BITS) - 1;
}
