import { LoopLatencyHistogram } from './loop-latency-histogram';

describe('LoopLatencyHistogram', () => {
  it('answers percentiles within 1/32 of the true value, whatever the spread', () => {
    const h = new LoopLatencyHistogram();
    // 1 µs … 10 s, every value once: the true p-th percentile is p % of 10 s.
    const values = Array.from({ length: 100_000 }, (_, i) => ((i + 1) / 100_000) * 10_000);
    for (const v of values) h.record(v);
    for (const p of [50, 90, 95, 99]) {
      const exact = (p / 100) * 10_000;
      expect(Math.abs(h.percentile(p)! - exact) / exact).toBeLessThanOrEqual(1 / 32);
    }
    expect(h.summary()).toMatchObject({ count: 100_000, max: 10_000 });
    expect(h.meanMs).toBeCloseTo(5000, 0);
  });

  it('is exact below 64 µs and never reports above the largest value seen', () => {
    const h = new LoopLatencyHistogram();
    for (const v of [0.001, 0.002, 0.003, 0.05]) h.record(v);
    expect(h.percentile(50)).toBe(0.002);
    expect(h.percentile(100)).toBe(0.05);
    h.record(5_000_000); // beyond the top bucket (~35 min): clamped, still counted
    expect(h.count).toBe(5);
    expect(h.percentile(100)).toBeLessThanOrEqual(5_000_000);
  });

  it('adds another histogram (the CLI totals its per-source histograms)', () => {
    const a = new LoopLatencyHistogram();
    const b = new LoopLatencyHistogram();
    a.record(1);
    b.record(100);
    a.add(b);
    expect(a.summary()).toMatchObject({ count: 2, max: 100 });
    expect(new LoopLatencyHistogram().summary()).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });
});
