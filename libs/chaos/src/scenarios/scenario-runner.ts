import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  AppError,
  ERROR_CODES,
  type ApiErrorBody,
  type ChaosRun,
  type ChaosRunStatus,
  type ChaosTargetKind,
  type ScenarioInfo,
  type ScenarioParams,
  type TimelineEvent,
  errorMessage,
} from '@rrl/contracts';
import { CappedBuffer, sleep, untilAborted, withTimeout } from '@rrl/common';
import type { FaultProxy } from '../proxy';
import { MasterSwitchWatch } from '../sentinel/master-switch.watch';
import { SentinelAdmin } from '../sentinel/sentinel-admin';
import { ActiveRun } from './active-run';
import type { AppUnderTest } from './app-under-test';
import type { ChaosTargets } from './chaos-targets';
import { ReadProbe, type ReadProbeOptions } from './read-probe';
import { RunRecorder, type FaultedStores } from './run-recorder';
import type { ResolvedTarget, Scenario, ScenarioContext, TargetSlot } from './scenario';
import { describeScenarios, scenarioNamed } from './scenario-catalog';
import { parseParams } from './scenario-params';

export interface ScenarioRunnerOptions {
  targets: ChaosTargets;
  proxy: FaultProxy | null;
  app: AppUnderTest;
  probe: ReadProbeOptions;
  /** After the target is back, how long to wait for the app to read from Redis again. */
  recoveryTimeoutMs: number;
  maxDurationMs: number;
  /** Added to a scenario's hold time: past it the target is restored whatever hangs. Default 60 s. */
  safetyMarginMs?: number;
  /** Each undo step's budget (a MariaDB start can take a while). Default 60 s. */
  undoTimeoutMs?: number;
  /** Finished runs kept. Default 50. */
  keep?: number;
  log?: (message: string) => void;
}

/** For a live view (a WebSocket gateway): a run started, recorded an event, ended. */
export interface ChaosRunEvents {
  started: [ChaosRun];
  timeline: [{ runId: string; event: TimelineEvent }];
  ended: [ChaosRun];
}

/** 409 naming the run in progress, so a client can follow or cancel it. */
export class ScenarioRunningError extends AppError {
  constructor(
    readonly runId: string | null,
    scenario: string | null,
  ) {
    super(
      ERROR_CODES.SCENARIO_RUNNING,
      runId
        ? `scenario '${scenario}' is running (run ${runId}); wait for it or POST /api/chaos/runs/${runId}/cancel`
        : 'another scenario is starting; retry in a moment',
    );
  }

  override toBody(): ApiErrorBody & { runId: string | null } {
    return { ...super.toBody(), runId: this.runId };
  }
}

/** How often recovery is checked once the target is back. */
const POLL_MS = 100;

interface UndoStep {
  message: string;
  step: () => Promise<void>;
}

function faultedStores(targets: ResolvedTarget[]): FaultedStores {
  const kinds = new Set(targets.map((t) => t.target.kind));
  if (kinds.has('redis') && kinds.has('mysql')) return 'both';
  return kinds.has('mysql') ? 'mysql' : 'redis';
}

/**
 * Runs one scenario at a time: validates, resolves the targets, injects the fault, holds it,
 * restores (newest undo step first) whatever happens (end, cancel, failure, safety timeout), then
 * watches the app recover. Keeps the last `keep` finished runs in memory.
 */
export class ScenarioRunner {
  readonly events = new EventEmitter<ChaosRunEvents>();
  private active: ActiveRun | null = null;
  private starting = false;
  private readonly finished: CappedBuffer<ChaosRun>;
  private readonly sentinel: SentinelAdmin | null;

  constructor(private readonly options: ScenarioRunnerOptions) {
    this.finished = new CappedBuffer(options.keep ?? 50);
    this.sentinel = options.app.sentinel ? new SentinelAdmin(options.app.sentinel) : null;
  }

  /** Starts a run and returns it at once (202); the fault is injected in the background. */
  async start(name: string, body: unknown): Promise<ChaosRun> {
    const scenario = scenarioNamed(name);
    const params = parseParams(name, scenario.params({ maxDurationMs: this.options.maxDurationMs }), body);
    if (this.active || this.starting) throw new ScenarioRunningError(this.active?.id ?? null, this.active?.scenario ?? null);
    this.starting = true;
    try {
      const targets = await this.resolveTargets(scenario, params);
      scenario.check?.(targets, this.options.proxy);
      const runId = randomUUID();
      const { app } = this.options;
      const recorder = new RunRecorder(Date.now(), faultedStores(targets), {
        redisFailures: () => app.redisFailures(),
        onEvent: (event) => this.events.emit('timeline', { runId, event }),
        ...(app.sentinel ? { sentinel: { node: app.redisNode() } } : {}),
      });
      const run = new ActiveRun(
        runId,
        scenario.name,
        params as ScenarioParams & Record<string, unknown>,
        targets.map((t) => t.id),
        recorder,
      );
      this.active = run;
      const snapshot = run.snapshot();
      this.events.emit('started', snapshot);
      this.execute(run, scenario, params, targets).catch((e: Error) => this.abandon(run, e));
      return snapshot;
    } finally {
      this.starting = false;
    }
  }

  scenarios(): ScenarioInfo[] {
    return describeScenarios({ maxDurationMs: this.options.maxDurationMs });
  }

  /** The run in progress first, then finished runs, newest first. */
  list(): ChaosRun[] {
    return [...(this.active ? [this.active.snapshot()] : []), ...this.finished.last().reverse()];
  }

  get(id: string): ChaosRun {
    if (this.active?.id === id) return this.active.snapshot();
    const run = this.finished.last().find((r) => r.id === id);
    if (!run) throw new AppError(ERROR_CODES.NOT_FOUND, `no chaos run '${id}' (the last ${this.finished.capacity} are kept)`);
    return run;
  }

  /** Restores the targets now; resolves with the run once it has ended. 409 when it already ended. */
  async cancel(id: string): Promise<ChaosRun> {
    const active = this.active;
    if (active?.id !== id) {
      const run = this.get(id);
      throw new AppError(ERROR_CODES.CONFLICT, `run ${id} already ended (${run.status})`);
    }
    active.interrupt('cancelled');
    await active.done;
    return this.get(id);
  }

  /** On shutdown: cancel the run in progress so its targets are restored before the API exits. */
  async stop(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.interrupt('cancelled');
    await active.done;
  }

  private async resolveTargets(scenario: Scenario, params: ScenarioParams): Promise<ResolvedTarget[]> {
    const slots: TargetSlot[] = await scenario.targetsOf(params, {
      sentinel: this.sentinel,
      list: async () => (await this.options.targets.list()).targets,
    });
    const resolved = await Promise.all(slots.map((s) => this.options.targets.resolve(s.id)));
    slots.forEach((slot, i) => {
      const { kind } = resolved[i].target;
      if (!slot.kinds.includes(kind)) throw wrongKind(scenario.name, slot, resolved[i].id, kind);
    });
    return resolved;
  }

  private async execute(run: ActiveRun, scenario: Scenario, params: ScenarioParams, targets: ResolvedTarget[]): Promise<void> {
    const { recorder } = run;
    const unsubscribe = this.options.app.observe(recorder);
    const switches = await this.watchSwitches(run);
    const probe = await ReadProbe.start(this.options.app, this.options.probe);
    recorder.mark('note', this.probeNote(probe));
    this.log(`chaos run ${run.id}: ${scenario.name} on ${run.targets.join(', ') || '(no target)'}`);
    const undo: UndoStep[] = [];
    await this.injectAndHold(run, scenario, params, this.contextFor(run, targets, undo, switches), undo);
    run.phase = 'restoring';
    const restored = await this.undo(run, undo);
    if (restored)
      recorder.targetBack(
        `restored: ${
          undo
            .map((u) => u.message)
            .reverse()
            .join('; ') || 'nothing to undo'
        }`,
      );
    if (restored && !run.error && run.abortReason !== 'cancelled') {
      run.phase = 'observing';
      await this.watchRecovery(run, probe !== null);
    }
    probe?.stop();
    switches?.close();
    unsubscribe();
    this.end(
      run,
      run.error ? 'failed' : run.abortReason === 'cancelled' ? 'cancelled' : run.abortReason === 'timeout' ? 'timed-out' : 'completed',
    );
  }

  private probeNote(probe: ReadProbe | null): string {
    const { readsPerSecond } = this.options.probe;
    if (probe) return `read probe: ${readsPerSecond} reads/s over ${probe.idCount} users`;
    const why = readsPerSecond > 0 ? 'no users to read (or the database did not answer)' : 'chaos.probe.readsPerSecond is 0';
    return `read probe off (${why}): only outside reads are measured`;
  }

  /** In Sentinel mode, every run hears +switch-master from its start: a promotion lands in its timeline and report. */
  private async watchSwitches(run: ActiveRun): Promise<MasterSwitchWatch | null> {
    const { sentinel } = this.options.app;
    if (!sentinel) return null;
    const watch = await MasterSwitchWatch.start(sentinel, (s) => run.recorder.masterSwitched(s));
    if (watch.listening < sentinel.nodes.length)
      run.recorder.mark(
        'note',
        `+switch-master heard from ${watch.listening} of ${sentinel.nodes.length} sentinels (the others did not answer)`,
      );
    return watch;
  }

  private contextFor(run: ActiveRun, targets: ResolvedTarget[], undo: UndoStep[], switches: MasterSwitchWatch | null): ScenarioContext {
    return {
      targets,
      proxy: this.options.proxy,
      credentials: this.options.app.credentials,
      action: (m) => run.recorder.action(m),
      undo: (message, step) => void undo.push({ message, step }),
      secret: (v) => run.recorder.secret(v),
      signal: run.signal,
      sentinel:
        this.sentinel && switches
          ? { admin: this.sentinel, promotion: (since, timeoutMs) => switches.next(since, timeoutMs, run.signal) }
          : null,
    };
  }

  /**
   * Injects the fault and holds it until its time is up, a cancel or the safety timeout. A cancel
   * waits for the fault call to settle (undoing half of a password change would leave the new one
   * in place); only the safety timeout gives up on a call that hangs.
   */
  private async injectAndHold(
    run: ActiveRun,
    scenario: Scenario,
    params: ScenarioParams,
    ctx: ScenarioContext,
    undo: UndoStep[],
  ): Promise<void> {
    const hold = Math.min(scenario.holdMs(params), this.options.maxDurationMs);
    const safetyAbort = new AbortController();
    const safety = setTimeout(() => (run.interrupt('timeout'), safetyAbort.abort()), hold + (this.options.safetyMarginMs ?? 60_000));
    const injecting = scenario.inject(ctx, params);
    try {
      await untilAborted(injecting, safetyAbort.signal);
      if (safetyAbort.signal.aborted) this.undoAgainWhenSettled(run, injecting, undo);
      run.phase = 'holding';
      await sleep(hold, run.signal);
    } catch (e) {
      run.error = errorMessage(e);
      run.recorder.mark('error', `the fault could not be injected: ${run.error}`);
    } finally {
      clearTimeout(safety);
    }
    if (run.abortReason === 'cancelled') run.recorder.mark('cancelled', 'cancelled: restoring the target now');
    if (run.abortReason === 'timeout') run.recorder.mark('timeout', 'safety timeout: restoring the target');
  }

  private end(run: ActiveRun, status: ChaosRunStatus): void {
    run.finish(status);
    const snapshot = run.snapshot();
    this.finished.push(snapshot);
    this.active = null;
    this.events.emit('ended', snapshot);
    this.log(`chaos run ${run.id}: ${run.status}`);
  }

  /** A bug in the runner must not leave the slot taken forever. */
  private abandon(run: ActiveRun, e: Error): void {
    run.error ??= `runner error: ${e.message}`;
    if (this.active === run) this.end(run, 'failed');
  }

  /** A fault call abandoned by the safety timeout may still land later: undo it again then. */
  private undoAgainWhenSettled(run: ActiveRun, injecting: Promise<void>, steps: UndoStep[]): void {
    void injecting
      .catch(() => undefined)
      .then(() => this.undo(run, steps, false))
      .then((ok) => this.log(`chaos run ${run.id}: the abandoned fault call settled late; undone again${ok ? '' : ' (with errors)'}`));
  }

  /** Runs every undo step, newest first, each time-limited; true when all succeeded. */
  private async undo(run: ActiveRun, steps: UndoStep[], record = true): Promise<boolean> {
    let ok = true;
    for (const { message, step } of [...steps].reverse()) {
      try {
        await withTimeout(step(), this.options.undoTimeoutMs ?? 60_000, message);
      } catch (e) {
        ok = false;
        if (!record) continue;
        run.error ??= `restore failed: ${message}: ${errorMessage(e)}`;
        run.recorder.mark('error', `restore step failed: ${message}: ${errorMessage(e)}`);
      }
    }
    return ok;
  }

  /** Until the app reads from Redis again (or, for a MySQL fault, the database answers), or the recovery timeout. */
  private async watchRecovery(run: ActiveRun, probing: boolean): Promise<void> {
    const { recorder } = run;
    const { app, recoveryTimeoutMs } = this.options;
    const mysqlOnly = run.recorder.faulted === 'mysql';
    const deadline = Date.now() + recoveryTimeoutMs;
    while (Date.now() < deadline && !run.signal.aborted) {
      if (mysqlOnly && (await app.databaseAnswers())) recorder.databaseBack();
      if (recorder.recovered) return;
      // Without reads nothing can show a read from Redis again: the connection being ready has to do.
      if (!mysqlOnly && !probing && recorder.readCount === 0 && app.redisState() === 'ready' && recorder.reconnected) return;
      await sleep(POLL_MS, run.signal);
    }
    if (!recorder.recovered) recorder.mark('note', `no recovery seen within ${recoveryTimeoutMs} ms of the target coming back`);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}

function wrongKind(scenario: string, slot: TargetSlot, id: string, kind: ChaosTargetKind): AppError {
  return new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `scenario '${scenario}' needs ${slot.kinds.join(' or ')} for '${slot.param}', but ${id} is ${kind}`,
    [{ field: slot.param, problems: [`must be a ${slot.kinds.join(' or ')} target; ${id} is ${kind}`] }],
  );
}
