import { snapshot } from '../testing/fixtures';
import { HISTORY_SECONDS, MetricHistory } from './metric-history';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s)).toISOString();

describe('MetricHistory', () => {
  it('keeps five minutes of ticks, no more, however long it runs', () => {
    const h = new MetricHistory();
    for (let s = 0; s < HISTORY_SECONDS + 120; s++)
      h.addSnapshot(snapshot(new Date(Date.UTC(2026, 10, 29, 12, 0, 0) + s * 1000).toISOString()));
    expect(h.points.length).toBe(HISTORY_SECONDS);
    expect(h.points.at(0)?.t).toBe(Date.UTC(2026, 10, 29, 12, 2, 0) / 1000);
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
    expect(h.outages()).toEqual([{ from: Date.parse(at(2)) / 1000, to: Date.parse(at(4)) / 1000 }]);
    expect(h.breakerOpen()).toEqual([{ from: Date.parse(at(3)) / 1000, to: Date.parse(at(4)) / 1000 }]);
  });

  it('falls back to the window rate when totals go backwards (the API restarted)', () => {
    const h = new MetricHistory();
    h.addSnapshot(snapshot(at(0), { reads: { redis: 5000, mysql: 0, none: 0 } }));
    const restarted = snapshot(at(1), { reads: { redis: 10, mysql: 0, none: 0 } });
    restarted.rates.last10s.readsPerSecondBySource.redis = 12;
    h.addSnapshot(restarted);
    expect(h.points.last()?.readsPerSecond.redis).toBe(12);
  });
});
