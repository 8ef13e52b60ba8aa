import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  AppError,
  ERROR_CODES,
  type ChaosRun,
  type ChaosRunStatus,
  type ScenarioInfo,
  type ScenarioParams,
  type TimelineEvent,
} from '@rrl/contracts';
import { RunSlot } from '@rrl/common';
import type { FaultProxy } from '../proxy';
import { MasterSwitchWatch } from '../sentinel/master-switch.watch';
import { SentinelAdmin } from '../sentinel/sentinel-admin';
import { ActiveRun } from './active-run';
import type { AppUnderTest } from './app-under-test';
import type { ChaosTargets } from './chaos-targets';
import { FaultSession } from './fault-session';
import { ReadProbe, type ReadProbeOptions } from './read-probe';
import { watchRecovery } from './recovery-watch';
import { RunRecorder } from './run-recorder';
import type { ResolvedTarget, Scenario, ScenarioContext } from './scenario';
import { describeScenarios, scenarioNamed } from './scenario-catalog';
import { parseParams } from './scenario-params';
import { ScenarioTargetResolver, faultedStores } from './scenario-target.resolver';

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

/**
 * Runs one scenario at a time (RunSlot): validates, resolves the targets (ScenarioTargetResolver),
 * injects the fault, holds it and restores it whatever happens (FaultSession), then watches the
 * app recover (watchRecovery). Keeps the last `keep` finished runs in memory.
 */
export class ScenarioRunner {
  readonly events = new EventEmitter<ChaosRunEvents>();
  private readonly slot: RunSlot<ActiveRun, ChaosRun>;
  private readonly sentinel: SentinelAdmin | null;
  private readonly resolver: ScenarioTargetResolver;

  constructor(private readonly options: ScenarioRunnerOptions) {
    this.slot = new RunSlot({ noun: 'chaos run', cancelPath: (id) => `/api/chaos/runs/${id}/cancel`, keep: options.keep ?? 50 });
    this.sentinel = options.app.sentinel ? new SentinelAdmin(options.app.sentinel) : null;
    this.resolver = new ScenarioTargetResolver(options.targets, this.sentinel);
  }

  /** Starts a run and returns it at once (202); the fault is injected in the background. */
  async start(name: string, body: unknown): Promise<ChaosRun> {
    const scenario = scenarioNamed(name);
    const params = parseParams(name, scenario.params({ maxDurationMs: this.options.maxDurationMs }), body);
    let targets: ResolvedTarget[] = [];
    const run = await this.slot.start(async () => {
      targets = await this.resolver.resolve(scenario, params);
      scenario.check?.(targets, this.options.proxy);
      const runId = randomUUID();
      const { app } = this.options;
      const recorder = new RunRecorder(Date.now(), faultedStores(targets), {
        redisFailures: () => app.redisFailures(),
        onEvent: (event) => this.events.emit('timeline', { runId, event }),
        ...(app.sentinel ? { sentinel: { node: app.redisNode() } } : {}),
      });
      const recorded = params as ScenarioParams & Record<string, unknown>;
      return new ActiveRun(
        runId,
        scenario.name,
        recorded,
        targets.map((t) => t.id),
        recorder,
      );
    });
    const snapshot = run.snapshot();
    this.events.emit('started', snapshot);
    this.execute(run, scenario, params, targets).catch((e: Error) => this.abandon(run, e));
    return snapshot;
  }

  scenarios(): ScenarioInfo[] {
    return describeScenarios({ maxDurationMs: this.options.maxDurationMs });
  }

  /** The run in progress first, then finished runs, newest first. */
  list(): ChaosRun[] {
    return this.slot.list();
  }

  get(id: string): ChaosRun {
    const run = this.slot.find(id);
    if (!run) throw new AppError(ERROR_CODES.NOT_FOUND, `no chaos run '${id}' (the last ${this.slot.capacity} are kept)`);
    return run;
  }

  /** Restores the targets now; resolves with the run once it has ended. 409 when it already ended. */
  async cancel(id: string): Promise<ChaosRun> {
    const active = this.slot.active;
    if (active?.id !== id) throw this.slot.endedError(id, this.get(id).status);
    active.interrupt('cancelled');
    await active.done;
    return this.get(id);
  }

  /** On shutdown: cancel the run in progress so its targets are restored before the API exits. */
  async stop(): Promise<void> {
    const active = this.slot.active;
    if (!active) return;
    active.interrupt('cancelled');
    await active.done;
  }

  private async execute(run: ActiveRun, scenario: Scenario, params: ScenarioParams, targets: ResolvedTarget[]): Promise<void> {
    const { recorder } = run;
    const unsubscribe = this.options.app.observe(recorder);
    const switches = await this.watchSwitches(run);
    const probe = await ReadProbe.start(this.options.app, this.options.probe);
    recorder.mark('note', this.probeNote(probe));
    this.log(`chaos run ${run.id}: ${scenario.name} on ${run.targets.join(', ') || '(no target)'}`);
    const fault = new FaultSession(run, {
      maxDurationMs: this.options.maxDurationMs,
      safetyMarginMs: this.options.safetyMarginMs ?? 60_000,
      undoTimeoutMs: this.options.undoTimeoutMs ?? 60_000,
      log: (m) => this.log(m),
    });
    await fault.injectAndHold(scenario, params, this.contextFor(run, targets, fault, switches));
    run.phase = 'restoring';
    const restored = await fault.restore();
    if (restored && !run.error && run.abortReason !== 'cancelled') {
      run.phase = 'observing';
      await watchRecovery(run, this.options.app, probe !== null, this.options.recoveryTimeoutMs);
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

  private contextFor(run: ActiveRun, targets: ResolvedTarget[], fault: FaultSession, switches: MasterSwitchWatch | null): ScenarioContext {
    return {
      targets,
      proxy: this.options.proxy,
      credentials: this.options.app.credentials,
      action: (m) => run.recorder.action(m),
      undo: fault.undo,
      secret: (v) => run.recorder.secret(v),
      signal: run.signal,
      sentinel:
        this.sentinel && switches
          ? { admin: this.sentinel, promotion: (since, timeoutMs) => switches.next(since, timeoutMs, run.signal) }
          : null,
    };
  }

  private end(run: ActiveRun, status: ChaosRunStatus): void {
    run.finish(status);
    const snapshot = this.slot.end(run);
    this.events.emit('ended', snapshot);
    this.log(`chaos run ${run.id}: ${run.status}`);
  }

  /** A bug in the runner must not leave the slot taken forever. */
  private abandon(run: ActiveRun, e: Error): void {
    run.error ??= `runner error: ${e.message}`;
    if (this.slot.active === run) this.end(run, 'failed');
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}
