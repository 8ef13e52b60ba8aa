import { MetricHistory } from '../live/metric-history';
import type { LiveConnection } from '../live/live-queries';
import { snapshot } from '../testing/fixtures';
import { faultSummary } from './fault-summary';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s)).toISOString();
const state = (redis: LiveConnection['redis']['state'], breaker: LiveConnection['breaker']['state']): LiveConnection => ({
  redis: { state: redis, endpoint: '127.0.0.1:6390', attempt: 3, since: at(10) },
  breaker: { state: breaker, since: at(12) },
});

describe('faultSummary (the legend under the charts)', () => {
  it('counts the outage and open breaker going on now, even before a tick shows them', () => {
    const h = new MetricHistory();
    for (let s = 0; s < 10; s++) h.addSnapshot(snapshot(at(s)));
    const text = faultSummary(h, 300, state('reconnecting', 'open'));
    expect(text).toMatch(/Redis reconnecting now \(since \d\d:\d\d:10\)/);
    expect(text).toMatch(/breaker open now/);
    expect(text).not.toMatch(/no Redis outage|closed throughout/);
  });

  it('lists an ongoing outage as running to now, and past ones only while they are in the window', () => {
    const h = new MetricHistory();
    h.addSnapshot(snapshot(at(0)));
    h.addRedisTransition(at(5), 'reconnecting');
    h.addRedisTransition(at(50), 'ready');
    h.addSnapshot(snapshot(at(59)));
    h.addSnapshot(snapshot(at(200)));
    expect(faultSummary(h, 300, state('ready', 'closed'))).toMatch(
      /Redis outages in the last 5 min: \d\d:\d\d:05–\d\d:\d\d:50; breaker closed throughout/,
    );
    expect(faultSummary(h, 60, state('ready', 'closed'))).toMatch(/^no Redis outage in the last 1 min; breaker closed throughout$/);
    h.addRedisTransition(at(201), 'reconnecting');
    expect(faultSummary(h, 60, state('reconnecting', 'closed'))).toMatch(/Redis outages in the last 1 min: \d\d:\d\d:21–now/);
  });
});
