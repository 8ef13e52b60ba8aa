/** One second's copy of the running totals the windows are computed from. */
export interface WindowSample {
  at: number;
  readsRedis: number;
  readsMysql: number;
  readsNone: number;
  hits: number;
  misses: number;
  fallbacks: number;
  failed: number;
  redisErrors: number;
  /** Latency bucket counts per source (redis, mysql, none). */
  latency: [Float64Array, Float64Array, Float64Array];
}

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
}
