import type { RedisStateTransition } from '@rrl/contracts';
import { RedisStateMachine } from './redis-state-machine';

describe('RedisStateMachine', () => {
  let seen: RedisStateTransition[];
  let machine: RedisStateMachine;
  const path = () => seen.map((t) => `${t.from}>${t.to}`);

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    seen = [];
    machine = new RedisStateMachine((t) => seen.push(t));
  });

  afterEach(() => jest.useRealTimers());

  it('goes idle → connecting → ready on a clean boot, with no outage counted', () => {
    machine.begin();
    machine.ready();
    expect(path()).toEqual(['idle>connecting', 'connecting>ready']);
    expect(machine.stats()).toMatchObject({
      attempts: 0,
      successfulReconnects: 0,
      reconnectSuccessRate: 1,
      currentOutageMs: null,
      lastReadyAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('emits one transition per state change, not per retry, and measures the outage', () => {
    machine.begin();
    machine.ready();
    jest.advanceTimersByTime(1000);
    machine.retryScheduled({ errorKind: 'closed', message: 'connection closed' });
    jest.advanceTimersByTime(300);
    machine.retryScheduled({ errorKind: 'refused', message: 'connect ECONNREFUSED' });
    machine.retryScheduled({ errorKind: 'refused', message: 'connect ECONNREFUSED' });
    expect(machine.attempt).toBe(3);
    expect(machine.stats()).toMatchObject({ currentOutageMs: 300, reconnectSuccessRate: 0 });
    jest.advanceTimersByTime(900);
    machine.ready();

    expect(path()).toEqual(['idle>connecting', 'connecting>ready', 'ready>reconnecting', 'reconnecting>ready']);
    expect(seen[2]).toMatchObject({ attempt: 1, errorKind: 'closed', at: '2026-01-01T00:00:01.000Z' });
    expect(seen[3]).toMatchObject({ attempt: 3 });
    expect(machine.attempt).toBe(0);
    expect(machine.stats()).toMatchObject({
      attempts: 3,
      successfulReconnects: 1,
      reconnectSuccessRate: 1,
      currentOutageMs: null,
      lastRecoveryMs: 1200,
    });
  });

  it('moves to auth-failed on an auth error and back to reconnecting when the error changes', () => {
    machine.begin();
    machine.retryScheduled({ errorKind: 'auth', message: 'WRONGPASS' });
    machine.retryScheduled({ errorKind: 'auth', message: 'WRONGPASS' });
    machine.retryScheduled({ errorKind: 'refused', message: 'ECONNREFUSED' });
    machine.ready();
    expect(path()).toEqual(['idle>connecting', 'connecting>auth-failed', 'auth-failed>reconnecting', 'reconnecting>ready']);
    expect(machine.stats().successfulReconnects).toBe(1);
  });

  it('records a forced reset even when the state stays reconnecting', () => {
    machine.begin();
    machine.retryScheduled({ errorKind: 'refused', message: 'x' });
    machine.forcedReset('stuck: 50 attempts');
    expect(seen.at(-1)).toMatchObject({
      from: 'reconnecting',
      to: 'reconnecting',
      errorKind: 'stuck-reset',
      message: 'stuck: 50 attempts',
    });
    expect(machine.stats().forcedResets).toBe(1);
  });

  it('starts an outage when a ready connection is reset by hand', () => {
    machine.begin();
    machine.ready();
    machine.forcedReset('POST /api/redis/reset');
    jest.advanceTimersByTime(50);
    machine.ready();
    expect(machine.stats()).toMatchObject({ forcedResets: 1, successfulReconnects: 1, lastRecoveryMs: 50 });
  });

  it('keeps the last error with its time', () => {
    machine.recordError('timeout', 'Command timed out');
    expect(machine.lastError).toEqual({ kind: 'timeout', message: 'Command timed out', at: '2026-01-01T00:00:00.000Z' });
  });

  it('is terminal once stopped', () => {
    machine.begin();
    machine.stop();
    machine.ready();
    machine.retryScheduled({ errorKind: 'closed', message: 'x' });
    machine.forcedReset('late');
    expect(machine.state).toBe('stopped');
    expect(path()).toEqual(['idle>connecting', 'connecting>stopped']);
  });

  it('keeps only the newest transitions in its ring buffer', () => {
    const small = new RedisStateMachine(undefined, Date.now, 3);
    small.begin();
    for (let i = 0; i < 5; i++) {
      small.retryScheduled({ errorKind: 'refused', message: `#${i}` });
      small.ready();
    }
    const history = small.history();
    expect(history).toHaveLength(3);
    expect(history.at(-1)).toMatchObject({ to: 'ready' });
    expect(history[1]).toMatchObject({ to: 'reconnecting', message: '#4' });
    expect(small.history(1)).toEqual([history[2]]);
    expect(small.history(0)).toEqual([]);
  });

  it('records the node it became ready on and counts a different node as a switch', () => {
    machine.begin();
    machine.ready('10.0.0.1:6379');
    machine.retryScheduled({ errorKind: 'closed', message: 'connection closed' });
    machine.ready('10.0.0.1:6379');
    expect(machine.stats()).toMatchObject({ nodeSwitches: 0, lastNodeSwitchAt: null });
    jest.advanceTimersByTime(500);
    machine.retryScheduled({ errorKind: 'closed', message: 'connection closed' });
    machine.ready('10.0.0.2:6380');
    expect(machine.node).toBe('10.0.0.2:6380');
    expect(machine.stats()).toMatchObject({ nodeSwitches: 1, lastNodeSwitchAt: '2026-01-01T00:00:00.500Z' });
    expect(seen.at(-1)).toMatchObject({ to: 'ready', node: '10.0.0.2:6380', previousNode: '10.0.0.1:6379' });
    expect(seen[1]).not.toHaveProperty('previousNode');
  });
});
