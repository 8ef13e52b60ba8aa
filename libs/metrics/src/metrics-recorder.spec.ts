import type { RedisStateTransition } from '@rrl/contracts';
import { BUCKET_EDGES_MS, LatencyHistogram, cumulativeAt } from './latency-histogram';
import { MetricsRecorder } from './metrics-recorder';
import { PrometheusExporter } from './prometheus-exporter';

describe('LatencyHistogram', () => {
  it('puts every value in the bucket whose upper edge is the first >= it, and interpolates percentiles', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) h.record(ms);
    expect(h.count).toBe(100);
    expect(cumulativeAt(h.counts, 10)).toBe(10);
    expect(cumulativeAt(h.counts, 50)).toBe(50);
    const s = h.summary();
    // Buckets step by at most 20 %: interpolated percentiles land within that of the true value.
    expect(s.p50).toBeGreaterThan(45);
    expect(s.p50).toBeLessThan(55);
    expect(s.p99).toBeGreaterThan(90);
    expect(s.p99).toBeLessThanOrEqual(100);
    expect(s.max).toBe(100);
  });

  it('has no samples: null percentiles', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });

  it('holds every Prometheus edge the exporter uses exactly (so cumulative counts are exact)', () => {
    for (const seconds of [
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
    ])
      expect(BUCKET_EDGES_MS).toContain(seconds * 1000);
  });
});

describe('MetricsRecorder', () => {
  let now = Date.parse('2026-11-29T12:00:00.000Z');
  const clock = () => now;
  const transition = (from: RedisStateTransition['from'], to: RedisStateTransition['to'], attempt = 0): RedisStateTransition => ({
    at: new Date(now).toISOString(),
    from,
    to,
    attempt,
  });
  /** Advance the clock by whole seconds, taking the once-a-second window sample each time. */
  const advance = (r: MetricsRecorder, seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      (r as unknown as { sample(): void }).sample();
    }
  };

  it("keeps one history point a second with that second's reads and the states, and never more than 15 minutes of them", () => {
    const r = new MetricsRecorder(clock);
    r.redisTransition(transition('connecting', 'ready'));
    for (let i = 0; i < 30; i++) r.recordRead({ source: 'redis', durationMs: 1, ok: true, cache: 'hit' });
    advance(r, 1);
    r.redisTransition(transition('ready', 'reconnecting', 1));
    for (let i = 0; i < 7; i++) r.recordRead({ source: 'mysql', durationMs: 4, ok: true, cache: 'fallback' });
    advance(r, 1);
    const [first, second] = r.history.last(2);
    expect(first.readsPerSecond).toEqual({ redis: 30, mysql: 0, none: 0 });
    expect(first.redis).toBe('ready');
    expect(first.p50.redis).not.toBeNull();
    expect(second.readsPerSecond).toEqual({ redis: 0, mysql: 7, none: 0 });
    expect(second.redis).toBe('reconnecting');
    expect(second.at - first.at).toBe(1000);
    advance(r, 1000);
    expect(r.history.length).toBe(900);
    expect(r.history.last(900).at(-1)!.at).toBe(now);
  });

  it('a breaker that never changed state has been closed since the app started (the dashboard shows how long)', () => {
    const startedAt = now;
    const r = new MetricsRecorder(clock);
    advance(r, 5);
    expect(r.snapshot().breaker).toEqual({ state: 'closed', since: new Date(startedAt).toISOString() });
  });

  it('rates over 10 s and 60 s come from the reads inside each window', () => {
    const r = new MetricsRecorder(clock);
    r.redisTransition(transition('connecting', 'ready'));
    for (let s = 0; s < 60; s++) {
      // 10 reads a second for the first 50 s, then 30 a second (20 hits, 10 misses).
      const [hits, misses] = s < 50 ? [10, 0] : [20, 10];
      for (let i = 0; i < hits; i++) r.recordRead({ source: 'redis', durationMs: 1, ok: true, cache: 'hit' });
      for (let i = 0; i < misses; i++) r.recordRead({ source: 'mysql', durationMs: 5, ok: true, cache: 'miss' });
      advance(r, 1);
    }
    const snap = r.snapshot();
    expect(snap.rates.last10s.readsPerSecond).toBe(30);
    expect(snap.rates.last10s.readsPerSecondBySource).toEqual({ redis: 20, mysql: 10, none: 0 });
    expect(snap.rates.last10s.hitRate).toBeCloseTo(2 / 3, 3);
    expect(snap.rates.last60s.readsPerSecond).toBeCloseTo((50 * 10 + 10 * 30) / 60, 2);
    expect(snap.totals.hits).toBe(50 * 10 + 10 * 20);
    expect(snap.latency.mysql.count).toBe(100);
  });

  it('infers hit / miss / fallback for a cache that does not say, and counts failed reads as database errors', () => {
    const r = new MetricsRecorder(clock);
    r.redisTransition(transition('connecting', 'ready'));
    r.recordRead({ source: 'redis', durationMs: 1, ok: true });
    r.recordRead({ source: 'mysql', durationMs: 3, ok: true });
    r.redisTransition(transition('ready', 'reconnecting', 1));
    r.recordRead({ source: 'mysql', durationMs: 3, ok: true });
    r.recordRead({ source: 'none', durationMs: 3, ok: false, errorKind: 'STORES_UNAVAILABLE' });
    const t = r.snapshot().totals;
    expect([t.hits, t.misses, t.fallbacks, t.failedReads, t.databaseErrors]).toEqual([1, 1, 1, 1, 1]);
  });

  it('tracks an outage: duration at ready, time to recover at the first Redis read after it', () => {
    const r = new MetricsRecorder(clock);
    r.redisTransition(transition('connecting', 'ready'));
    r.redisTransition(transition('ready', 'reconnecting', 1));
    r.redisRetry(1);
    r.redisError('refused');
    advance(r, 3);
    expect(r.snapshot().currentOutage?.durationMs).toBe(3000);
    r.redisTransition(transition('reconnecting', 'ready'));
    now += 250;
    r.recordRead({ source: 'redis', durationMs: 1, ok: true, cache: 'hit' });
    const snap = r.snapshot();
    expect(snap.currentOutage).toBeNull();
    expect(snap.lastOutage).toMatchObject({ durationMs: 3000, timeToRecoverMs: 250 });
    expect(snap.totals.successfulReconnects).toBe(1);
    expect(snap.totals.redisErrors.refused).toBe(1);
    expect(r.outages.durations.count).toBe(1);
  });

  it('exports Prometheus text with conventional names from the same counts', async () => {
    const r = new MetricsRecorder(clock);
    r.recordRead({ source: 'redis', durationMs: 2, ok: true, cache: 'hit' });
    r.recordRead({ source: 'redis', durationMs: 0.4, ok: true, cache: 'negative-hit' });
    r.breakerTransition({ at: new Date(now).toISOString(), from: 'closed', to: 'open', reason: 'test' });
    const text = await new PrometheusExporter(r).metrics();
    expect(text).toContain('rrl_reads_total{source="redis"} 2');
    expect(text).toContain('rrl_cache_lookups_total{result="negative_hit"} 1');
    expect(text).toContain('rrl_breaker_state{state="open"} 1');
    expect(text).toContain('rrl_read_duration_seconds_bucket{source="redis",le="0.0005"} 1');
    expect(text).toContain('rrl_read_duration_seconds_bucket{source="redis",le="0.0025"} 2');
    expect(text).toContain('rrl_read_duration_seconds_count{source="redis"} 2');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});
