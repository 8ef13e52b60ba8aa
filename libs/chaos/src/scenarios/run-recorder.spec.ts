import type { ChaosRun } from '@rrl/contracts';
import { RunRecorder } from './run-recorder';

const base: Omit<ChaosRun, 'timeline' | 'metrics'> = {
  id: 'r1',
  scenario: 'crash',
  params: { target: 'process:redis-1' },
  targets: ['process:redis-1'],
  status: 'running',
  phase: 'holding',
  startedAt: new Date(0).toISOString(),
  endedAt: null,
  error: null,
};

function recorder(faulted: 'redis' | 'mysql' | 'both' = 'redis') {
  let now = 1000;
  let failures = 0;
  const r = new RunRecorder(1000, faulted, { redisFailures: () => failures, now: () => now });
  return { r, at: (t: number) => (now = t), redisFails: () => failures++ };
}

const ok = (source: 'redis' | 'mysql', durationMs = 1) => ({ source, durationMs, ok: true });

describe('RunRecorder', () => {
  it('derives detect (action → first failure) and recover (target back → first Redis read) times', () => {
    const { r, at } = recorder();
    r.onRead(ok('mysql')); // before the action: a plain cache miss, not a detection
    at(1100);
    r.action('SIGKILL process:redis-1');
    at(1130);
    r.onTransition({ at: '', from: 'ready', to: 'reconnecting', attempt: 1, errorKind: 'refused' });
    at(1140);
    r.onRead(ok('mysql'));
    r.onRetry({ attempt: 1, delayMs: 50, errorKind: 'refused' });
    at(2100);
    r.targetBack('started');
    at(2300);
    r.onTransition({ at: '', from: 'reconnecting', to: 'ready', attempt: 3 });
    at(2450);
    r.onRead(ok('redis', 2));
    r.onRead(ok('redis', 3));
    const run = r.snapshot(base);
    expect(run.metrics).toMatchObject({
      timeToDetectMs: 30,
      timeToRecoverMs: 350,
      reconnectAttempts: 1,
      reads: { total: 4, redis: 2, mysql: 2, none: 0, failed: 0 },
      redisErrorsByKind: { refused: 1 },
    });
    expect(run.timeline.map((e) => e.type)).toEqual([
      'action',
      'redis-state',
      'first-failure',
      'reconnect-attempt',
      'target-back',
      'redis-state',
      'app-reconnected',
      'first-redis-read',
    ]);
    expect(run.timeline[0]).toMatchObject({ offsetMs: 100, message: 'SIGKILL process:redis-1' });
  });

  it('a read from MySQL is a detection only once Redis calls fail (a miss after a write is not); so is the breaker opening', () => {
    const { r, at, redisFails } = recorder();
    r.action('pause process:redis-1');
    at(1010);
    r.onRead(ok('mysql')); // a plain miss
    expect(r.snapshot(base).metrics.timeToDetectMs).toBeNull();
    at(1500);
    redisFails();
    r.onRead(ok('mysql'));
    expect(r.snapshot(base).metrics.timeToDetectMs).toBe(500);

    const other = recorder();
    other.r.action('latency');
    other.at(1300);
    other.r.onBreaker({ at: '', from: 'closed', to: 'open', reason: '5 consecutive failures' });
    expect(other.r.snapshot(base).metrics.timeToDetectMs).toBe(300);
  });

  it('for a MySQL fault, only failed reads are detections and the database answering is the recovery', () => {
    const { r, at } = recorder('mysql');
    r.action('SIGKILL process:mariadb-1');
    at(1050);
    r.onRead(ok('mysql')); // a miss served by the database is no failure here
    at(1200);
    r.onRead({ source: 'none', durationMs: 5, ok: false, errorKind: 'DATABASE_UNAVAILABLE' });
    r.onRead({ source: 'none', durationMs: 5, ok: false, errorKind: 'DATABASE_UNAVAILABLE' });
    at(3000);
    r.targetBack('started');
    r.onRead(ok('redis'));
    expect(r.recovered).toBe(false);
    at(3400);
    r.databaseBack();
    const { metrics } = r.snapshot(base);
    expect(metrics).toMatchObject({
      timeToDetectMs: 200,
      timeToRecoverMs: 400,
      readErrorsByKind: { DATABASE_UNAVAILABLE: 2 },
      reads: { failed: 2, none: 2 },
    });
  });

  it('p50/p99 over every read; null without reads', () => {
    const { r } = recorder();
    expect(r.snapshot(base).metrics.latencyMs).toEqual({ p50: null, p99: null, max: null });
    for (let i = 1; i <= 100; i++) r.onRead(ok('redis', i));
    expect(r.snapshot(base).metrics.latencyMs).toEqual({ p50: 50, p99: 99, max: 100 });
  });

  it('removes secrets from every message and from the error', () => {
    const { r } = recorder();
    r.secret('hunter2');
    r.mark('error', 'restore failed: AUTH hunter2 rejected');
    const run = r.snapshot({ ...base, error: 'could not use hunter2' });
    expect(JSON.stringify(run)).not.toContain('hunter2');
    expect(run.timeline[0].message).toBe('restore failed: AUTH *** rejected');
  });

  it('caps the timeline: repetitive events beyond the cap are counted, not kept', () => {
    const { r } = recorder();
    r.action('stop');
    for (let i = 0; i < 1500; i++) r.onRetry({ attempt: i, delayMs: 10, errorKind: 'refused' });
    r.targetBack('started');
    const run = r.snapshot(base);
    expect(run.timeline).toHaveLength(1002);
    expect(run.timeline.at(-2)?.type).toBe('target-back');
    expect(run.timeline.at(-1)).toMatchObject({ type: 'note', message: '501 further connection/breaker events not kept' });
    expect(run.metrics.reconnectAttempts).toBe(1500);
  });
  it('in Sentinel mode: times the promotion and the first read from the new master, counts reads by node and writes during the switch', () => {
    let now = 1000;
    const r = new RunRecorder(1000, 'redis', { now: () => now, sentinel: { node: '127.0.0.1:7001' } });
    r.onRead(ok('redis')); // on the old master
    now = 1100;
    r.action('SIGKILL the master process:redis-7001');
    r.onWrite({ redisUpdated: true });
    now = 1150;
    r.onTransition({ at: '', from: 'ready', to: 'reconnecting', attempt: 1, errorKind: 'closed' });
    r.onRead(ok('mysql'));
    r.onWrite({ redisUpdated: false });
    now = 3100;
    r.masterSwitched({ from: '127.0.0.1:7001', to: '127.0.0.1:7002', at: 3100 });
    now = 3400;
    r.onTransition({ at: '', from: 'reconnecting', to: 'ready', attempt: 3, node: '127.0.0.1:7002', previousNode: '127.0.0.1:7001' });
    now = 3450;
    r.onRead(ok('redis'));
    r.onWrite({ redisUpdated: true }); // after the first read from the new master: not during the switch
    r.onRead(ok('redis'));
    const run = r.snapshot(base);
    expect(run.metrics.failover).toEqual({
      oldMaster: '127.0.0.1:7001',
      newMaster: '127.0.0.1:7002',
      timeToPromotionMs: 2000,
      timeToNewMasterReadMs: 350,
      readsByNode: { oldMaster: 1, database: 1, newMaster: 2, other: 0 },
      writesDuringSwitch: { total: 2, redisUpdated: 1, markedPending: 1 },
    });
    expect(run.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['master-switch', 'first-new-master-read']));
    expect(run.timeline.find((e) => e.type === 'master-switch')?.data).toMatchObject({ to: '127.0.0.1:7002', sinceActionMs: 2000 });
  });

  it('outside Sentinel mode the report has no failover section', () => {
    expect(recorder().r.snapshot(base).metrics.failover).toBeUndefined();
  });
});
