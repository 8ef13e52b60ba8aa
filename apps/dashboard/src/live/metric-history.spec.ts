import { snapshot } from '../testing/fixtures';
import type { MetricsHistoryPoint } from '@rrl/contracts';
import { HISTORY_POINTS, MetricHistory } from './metric-history';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s)).toISOString();

describe('MetricHistory', () => {
  it('keeps fifteen minutes of 4 Hz ticks, no more, however long it runs', () => {
    const h = new MetricHistory();
    const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
    for (let i = 0; i < HISTORY_POINTS + 480; i++) h.addSnapshot(snapshot(new Date(t0 + i * 250).toISOString()));
    expect(h.points.length).toBe(HISTORY_POINTS);
    expect(h.points.at(0)?.t).toBe((t0 + 120_000) / 1000);
  });

  it('turns totals into reads per second and finds outage and breaker-open stretches', () => {
    const h = new MetricHistory();
    h.addSnapshot(snapshot(at(0), { reads: { redis: 100, mysql: 0, none: 0 } }));
    h.addSnapshot(snapshot(at(1), { reads: { redis: 150, mysql: 0, none: 0 } }));
    h.addSnapshot(snapshot(at(2), { redis: 'reconnecting', reads: { redis: 150, mysql: 30, none: 0 } }));
    h.addSnapshot(snapshot(at(3), { redis: 'reconnecting', breaker: 'open', reads: { redis: 150, mysql: 80, none: 0 } }));
    h.addSnapshot(snapshot(at(4), { reads: { redis: 200, mysql: 80, none: 0 } }));
    expect(h.points.toArray().map((p) => [p.readsPerSecond.redis, p.readsPerSecond.mysql])).toEqual([
      [0, 0],
      [50, 0],
      [0, 30],
      [0, 50],
      [50, 0],
    ]);
    expect(h.outages()).toEqual([{ from: Date.parse(at(2)) / 1000, to: Date.parse(at(4)) / 1000, ongoing: false }]);
    expect(h.breakerOpen()).toEqual([{ from: Date.parse(at(3)) / 1000, to: Date.parse(at(4)) / 1000, ongoing: false }]);
  });

  it('falls back to the window rate when totals go backwards (the API restarted)', () => {
    const h = new MetricHistory();
    h.addSnapshot(snapshot(at(0), { reads: { redis: 5000, mysql: 0, none: 0 } }));
    const restarted = snapshot(at(1), { reads: { redis: 10, mysql: 0, none: 0 } });
    restarted.rates.last10s.readsPerSecondBySource.redis = 12;
    h.addSnapshot(restarted);
    expect(h.points.last()?.readsPerSecond.redis).toBe(12);
  });

  it('draws a band for a breaker opening between two 5 s ticks, from the transitions the feed pushes', () => {
    const h = new MetricHistory();
    h.addSnapshot(snapshot(at(0)));
    h.addBreakerTransition(at(1), 'open');
    h.addBreakerTransition(at(3), 'closed');
    h.addSnapshot(snapshot(at(5)));
    expect(h.breakerOpen()).toEqual([{ from: Date.parse(at(1)) / 1000, to: Date.parse(at(3)) / 1000, ongoing: false }]);
    h.addRedisTransition(at(7), 'reconnecting');
    expect(h.outages()).toEqual([{ from: Date.parse(at(7)) / 1000, to: Date.parse(at(7)) / 1000, ongoing: true }]);
    expect(h.end()).toBe(Date.parse(at(7)) / 1000);
  });

  it('fills in the server history under the live ticks, and clips bands and markers to the window', () => {
    const h = new MetricHistory();
    const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
    h.addSnapshot(snapshot(new Date(t0 + 600_000).toISOString()));
    const past: MetricsHistoryPoint[] = Array.from({ length: 600 }, (_, i) => ({
      at: t0 + i * 1000,
      readsPerSecond: { redis: 10, mysql: 0, none: 0 },
      p50: { redis: 0.2, mysql: null, none: null },
      p99: { redis: 0.5, mysql: null, none: null },
      redis: i >= 100 && i < 145 ? 'reconnecting' : 'ready',
      breaker: 'closed',
    }));
    h.addHistory(past);
    expect(h.points.length).toBe(601);
    expect(h.points.last()?.t).toBe((t0 + 600_000) / 1000);
    h.addMarker(new Date(t0 + 100_000).toISOString(), 'restart');
    expect(h.outages(900)).toEqual([{ from: (t0 + 100_000) / 1000, to: (t0 + 145_000) / 1000, ongoing: false }]);
    expect(h.outages(300)).toEqual([]);
    expect(h.markersInView(900).map((m) => m.label)).toEqual(['restart']);
    expect(h.markersInView(60)).toEqual([]);
    expect(h.visible(60).length).toBe(61);
  });
});
