import type { RedisConnectionState, RedisStateTransition } from '@rrl/contracts';
import { LoopOutageTracker } from './loop-outage-tracker';

const transition = (from: RedisConnectionState, to: RedisConnectionState): RedisStateTransition => ({
  at: new Date().toISOString(),
  from,
  to,
  attempt: 0,
});

describe('LoopOutageTracker', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => (now = Date.parse('2026-11-29T12:00:00Z')));

  it('ready → reconnecting starts an outage, → ready ends it, the first Redis read after it is the recovery', () => {
    const tracker = new LoopOutageTracker('ready', clock);
    tracker.onRead('redis');
    expect(tracker.summaries()).toEqual([]);
    tracker.onTransition(transition('ready', 'reconnecting'));
    now += 100;
    tracker.onRead('mysql');
    tracker.onTransition(transition('reconnecting', 'reconnecting'));
    tracker.onRead('mysql');
    now += 900;
    tracker.onTransition(transition('reconnecting', 'ready'));
    now += 40;
    tracker.onRead('mysql'); // pending invalidations still flushing: MySQL answers, still counted
    now += 10;
    tracker.onRead('redis');
    now += 5000;
    tracker.onRead('mysql'); // a plain miss later: not part of the outage
    expect(tracker.summaries()).toEqual([
      {
        startedAt: '2026-11-29T12:00:00.000Z',
        endedAt: '2026-11-29T12:00:01.000Z',
        durationMs: 1000,
        timeToRecoverMs: 50,
        readsServedByMysql: 3,
      },
    ]);
  });

  it('a run that starts while Redis is down starts inside an outage; one that never recovers says so', () => {
    const tracker = new LoopOutageTracker('reconnecting', clock);
    now += 250;
    const [outage] = tracker.summaries();
    expect(outage).toMatchObject({ endedAt: null, durationMs: 250, timeToRecoverMs: null });
  });

  it('a second outage before the first recovered is its own entry', () => {
    const tracker = new LoopOutageTracker('ready', clock);
    tracker.onTransition(transition('ready', 'reconnecting'));
    tracker.onTransition(transition('reconnecting', 'ready'));
    tracker.onTransition(transition('ready', 'reconnecting'));
    tracker.onTransition(transition('reconnecting', 'ready'));
    tracker.onRead('redis');
    const outages = tracker.summaries();
    expect(outages).toHaveLength(2);
    expect(outages[0].timeToRecoverMs).toBeNull();
    expect(outages[1].timeToRecoverMs).toBe(0);
  });
});
