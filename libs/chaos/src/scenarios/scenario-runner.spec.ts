import type { ChaosTarget, ChaosTargetKind, LogLine } from '@rrl/contracts';
import { sleep } from '@rrl/common';
import { waitFor } from '@rrl/testing';
import type { ChaosDriver } from '../drivers';
import { ChaosTargets } from './chaos-targets';
import type { AppUnderTest } from './app-under-test';
import { ScenarioRunner } from './scenario-runner';

/** A driver over in-memory targets that records every call; `hang`/`fail` script misbehaviour. */
class FakeDriver implements ChaosDriver {
  readonly name = 'process' as const;
  readonly calls: string[] = [];
  hang = new Set<string>();
  fail = new Set<string>();
  private readonly states = new Map<string, ChaosTarget['state']>();

  constructor(private readonly kinds: Record<string, ChaosTargetKind>) {
    for (const id of Object.keys(kinds)) this.states.set(id, 'running');
  }

  async list() {
    return Promise.all([...this.states.keys()].map((id) => this.inspect(id)));
  }
  async inspect(id: string): Promise<ChaosTarget> {
    const state = this.states.get(id);
    if (!state) throw Object.assign(new Error(`no ${id}`), { statusCode: 404 });
    return { id, name: id, kind: this.kinds[id], driver: 'process', state };
  }
  kill = (id: string) => this.act('kill', id, 'exited');
  stop = (id: string) => this.act('stop', id, 'stopped');
  start = (id: string) => this.act('start', id, 'running');
  pause = (id: string) => this.act('pause', id, 'paused');
  unpause = (id: string) => this.act('unpause', id, 'running');
  restart = async () => undefined;
  logs = async (): Promise<LogLine[]> => [];
  followLogs = () => ({ ready: Promise.resolve(), close: () => undefined });

  state(id: string) {
    return this.states.get(id);
  }

  /** Calls of these actions take this long, then succeed. */
  slow = new Map<string, number>();

  private async act(action: string, id: string, next: ChaosTarget['state']): Promise<void> {
    this.calls.push(`${action} ${id}`);
    if (this.hang.has(action)) return new Promise(() => undefined);
    if (this.slow.has(action)) await sleep(this.slow.get(action) ?? 0);
    if (this.fail.has(action)) throw new Error(`${action} refused`);
    this.states.set(id, next);
  }
}

function setup(options: { keep?: number; safetyMarginMs?: number } = {}) {
  const driver = new FakeDriver({ r1: 'redis', m1: 'mysql' });
  const app: AppUnderTest = {
    redisState: () => 'ready',
    redisNode: () => null,
    observe: () => () => undefined,
    read: async () => undefined,
    userIds: async () => [],
    redisFailures: () => 0,
    databaseAnswers: async () => true,
    credentials: { username: null, password: null },
    sentinel: null,
  };
  const runner = new ScenarioRunner({
    targets: new ChaosTargets([driver]),
    proxy: null,
    app,
    probe: { readsPerSecond: 0, ids: 1 },
    recoveryTimeoutMs: 50,
    maxDurationMs: 60_000,
    safetyMarginMs: options.safetyMarginMs ?? 5000,
    undoTimeoutMs: 1000,
    keep: options.keep,
  });
  const ended = async (id: string) => {
    await waitFor(`run ${id} ended`, () => runner.get(id).status !== 'running', 10_000, 10);
    return runner.get(id);
  };
  return { driver, runner, ended };
}

describe('ScenarioRunner (fake driver)', () => {
  it('injects, holds, restores and completes; keeps only the last `keep` runs, newest first', async () => {
    const { driver, runner, ended } = setup({ keep: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runner.start('crash', { target: 'process:r1', downtimeMs: 10 });
      ids.push(run.id);
      expect((await ended(run.id)).status).toBe('completed');
    }
    expect(driver.calls).toEqual(['kill r1', 'start r1', 'kill r1', 'start r1', 'kill r1', 'start r1']);
    expect(runner.list().map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });

  it('emits started, each timeline event and ended, for a live view', async () => {
    const { runner, ended } = setup();
    const seen: string[] = [];
    runner.events.on('started', (r) => seen.push(`started ${r.status}`));
    runner.events.on('timeline', ({ event }) => seen.push(event.type));
    runner.events.on('ended', (r) => seen.push(`ended ${r.status}`));
    const run = await runner.start('pause', { target: 'process:r1', durationMs: 10 });
    await ended(run.id);
    expect(seen[0]).toBe('started running');
    expect(seen).toEqual(expect.arrayContaining(['action', 'target-back']));
    expect(seen.at(-1)).toBe('ended completed');
  });

  it('a failure half-way through injecting still undoes every step, and the run says failed', async () => {
    const { driver, runner, ended } = setup();
    driver.fail.add('kill');
    const run = await ended((await runner.start('both-down', { target: 'process:r1', mysqlTarget: 'process:m1', durationMs: 10_000 })).id);
    expect(run).toMatchObject({ status: 'failed', error: 'kill refused' });
    expect(driver.calls.filter((c) => c.startsWith('start')).sort()).toEqual(['start m1', 'start r1']);
    expect(run.timeline.map((e) => e.type)).toContain('target-back');
  });

  it('the safety timeout restores a target whose fault call hangs', async () => {
    const { driver, runner, ended } = setup({ safetyMarginMs: 50 });
    driver.hang.add('pause');
    const run = await ended((await runner.start('pause', { target: 'process:r1', durationMs: 20 })).id);
    expect(run.status).toBe('timed-out');
    expect(driver.calls).toEqual(['pause r1', 'unpause r1']);
    expect(run.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['timeout', 'target-back']));
  });

  it('a fault call that lands after the safety timeout gave up on it is undone again', async () => {
    const { driver, runner, ended } = setup({ safetyMarginMs: 30 });
    driver.slow.set('pause', 200);
    const run = await ended((await runner.start('pause', { target: 'process:r1', durationMs: 10 })).id);
    expect(run.status).toBe('timed-out');
    await waitFor('the late fault call undone again', () => driver.calls.length >= 3);
    expect(driver.calls).toEqual(['pause r1', 'unpause r1', 'unpause r1']);
    expect(driver.state('r1')).toBe('running');
  });

  it('a cancel during a slow fault call waits for it, then undoes it', async () => {
    const { driver, runner } = setup();
    driver.slow.set('kill', 150);
    const { id } = await runner.start('crash', { target: 'process:r1', downtimeMs: 60_000 });
    await waitFor('the kill call issued', () => driver.calls.includes('kill r1'));
    expect((await runner.cancel(id)).status).toBe('cancelled');
    expect(driver.calls).toEqual(['kill r1', 'start r1']);
    expect(driver.state('r1')).toBe('running');
  });

  it('a restore step that fails makes the run failed and says which step', async () => {
    const { driver, runner, ended } = setup();
    driver.fail.add('start');
    const run = await ended((await runner.start('stop-start', { target: 'process:r1', downtimeMs: 10 })).id);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('restore failed: start process:r1: start refused');
  });

  it('one at a time, even for two starts in the same tick; cancel restores at once', async () => {
    const { driver, runner } = setup();
    const [a, b] = await Promise.allSettled([
      runner.start('pause', { target: 'process:r1', durationMs: 60_000 }),
      runner.start('crash', { target: 'process:r1' }),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { statusCode: 409, code: 'RUN_IN_PROGRESS' } });
    const id = (a as PromiseFulfilledResult<{ id: string }>).value.id;
    await expect(runner.start('crash', { target: 'process:r1' })).rejects.toMatchObject({ statusCode: 409, runId: id });
    // Restored by the time cancel answers, not after the 60 s hold (which would outlast this test).
    const cancelled = await runner.cancel(id);
    expect(cancelled.status).toBe('cancelled');
    expect(driver.state('r1')).toBe('running');
    await expect(runner.cancel(id)).rejects.toMatchObject({ statusCode: 409 });
  });

  it('stop() on shutdown cancels the run in progress and restores its target', async () => {
    const { driver, runner } = setup();
    await runner.start('crash', { target: 'process:r1', downtimeMs: 60_000 });
    await waitFor('the target killed', () => driver.state('r1') === 'exited');
    await runner.stop();
    expect(driver.state('r1')).toBe('running');
  });
});
