import type { LatencySummary } from '@rrl/contracts';

/**
 * Bucket edges per decade. Steps of at most 20 % keep an interpolated percentile within a few percent,
 * and every "nice" Prometheus edge (1, 2.5, 5 and 1.2, 3 for minutes) is one of them, so the exported
 * cumulative counts are exact.
 */
const MANTISSAS = [1, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2, 2.2, 2.5, 2.8, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9];
/** 10 µs … 10⁶ ms (16 min): a read, a reconnect and an outage fit one shape; beyond is the overflow bucket. */
const MIN_DECADE = -2;
const MAX_DECADE = 6;

/** Upper edges in ms, ascending; shared by every histogram (bucket i counts values in (edge[i-1], edge[i]]). */
export const BUCKET_EDGES_MS: readonly number[] = (() => {
  const edges: number[] = [];
  for (let d = MIN_DECADE; d < MAX_DECADE; d++) for (const m of MANTISSAS) edges.push(Number((m * 10 ** d).toPrecision(6)));
  edges.push(10 ** MAX_DECADE);
  return edges;
})();

/** Cumulative count at `edgeMs` (≤ edge), from bucket counts; edgeMs must be one of BUCKET_EDGES_MS. */
export function cumulativeAt(counts: ArrayLike<number>, edgeMs: number): number {
  let total = 0;
  for (let i = 0; i < BUCKET_EDGES_MS.length && BUCKET_EDGES_MS[i] <= edgeMs; i++) total += counts[i];
  return total;
}

/**
 * A fixed-bucket latency histogram for the hot path: record() is a binary search over ~160 edges and
 * three additions, nothing allocated. Percentiles interpolate inside the bucket. Counts are plain
 * numbers (exact to 2⁵³), so `counts` can be copied and subtracted for a window.
 */
export class LatencyHistogram {
  /** One slot per edge plus the overflow bucket. */
  readonly counts = new Float64Array(BUCKET_EDGES_MS.length + 1);
  count = 0;
  sumMs = 0;
  maxMs = 0;

  record(ms: number): void {
    const edges = BUCKET_EDGES_MS;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]++;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  summary(): LatencySummary {
    return summarize(this.counts, this.count, this.maxMs);
  }
}

/** p50/p95/p99 of bucket counts (a whole histogram or the difference of two copies). */
export function summarize(counts: ArrayLike<number>, count: number, maxMs: number): LatencySummary {
  if (count === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
  const at = (p: number) => round(Math.min(percentileOf(counts, count, p), maxMs));
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(maxMs) };
}

function percentileOf(counts: ArrayLike<number>, count: number, p: number): number {
  const rank = p * count;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : BUCKET_EDGES_MS[i - 1];
      const upper = BUCKET_EDGES_MS[i] ?? lower * 2;
      return lower + ((upper - lower) * (rank - seen)) / counts[i];
    }
    seen += counts[i];
  }
  return BUCKET_EDGES_MS[BUCKET_EDGES_MS.length - 1];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The highest value a window of bucket counts can hold: its top bucket's upper edge, never above the all-time max. */
export function windowMax(counts: ArrayLike<number>, allTimeMaxMs: number): number {
  for (let i = counts.length - 1; i >= 0; i--) if (counts[i] > 0) return Math.min(BUCKET_EDGES_MS[i] ?? allTimeMaxMs, allTimeMaxMs);
  return 0;
}
