import { sleep } from '@rrl/common';
import { errorMessage, type ChaosRun, type ChaosTargetsResponse, type LoadTestRun, type MetricsSnapshot } from '@rrl/contracts';
import { PHASES, type Experiment, type Phase, type Probe, type ScenarioStep, type Step } from './experiment.schema';
import { LabHttpClient } from './lab-http.client';
import { excess, judgedEverySample, snapshotValue, type ProbeResult } from './probe.evaluator';

export type Verdict = 'passed' | 'breached' | 'aborted';

export interface TimelineEntry {
  /** Milliseconds since the experiment started. */
  atMs: number;
  message: string;
}

export interface ExperimentSample {
  atMs: number;
  phase: Phase;
  reads: MetricsSnapshot['totals']['reads'];
  failedReads: number;
  redisState: string;
}

/** The whole run: what the JSON report holds and the other reports are made from. */
export interface ExperimentRun {
  title: string;
  verdict: Verdict;
  /** Why the run was aborted (an abort probe, a failed step, an error). */
  abortReason: string | null;
  startedAt: string;
  durationMs: number;
  probes: ProbeResult[];
  timeline: TimelineEntry[];
  samples: ExperimentSample[];
  chaosRuns: ChaosRun[];
  loadTest: LoadTestRun | null;
}

export interface RunnerOptions {
  url: string;
  token: string | null;
  /** A line per event (step started, phase began, breach...). */
  onProgress?: (line: string) => void;
  /** How often probes are sampled, ms: every second, as the experiment format promises. */
  sampleMs?: number;
  /** Stops the run as an abort would (SIGINT). */
  signal?: AbortSignal;
}

/** Polling interval for a chaos run's or a loop test's state: short enough to react within a second. */
const POLL_MS = 250;

class AbortRun extends Error {}

/**
 * Plays an experiment against a running lab over HTTP: load, probes before, method, probes during
 * (abort conditions stop everything at once), probes after, and the rollbacks, always.
 */
export class ExperimentRunner {
  private readonly lab: LabHttpClient;
  private readonly started = Date.now();
  private readonly abort = new AbortController();
  private abortReason: string | null = null;
  private readonly timeline: TimelineEntry[] = [];
  private readonly samples: ExperimentSample[] = [];
  private readonly results: ProbeResult[] = [];
  private readonly chaosRuns: ChaosRun[] = [];
  private loadTest: LoadTestRun | null = null;
  private activeChaosRun: string | null = null;

  constructor(
    private readonly experiment: Experiment,
    private readonly options: RunnerOptions,
  ) {
    this.lab = new LabHttpClient(options.url, options.token);
    for (const probe of experiment.steadyStateHypothesis.probes) this.addResults(probe, false);
    for (const probe of experiment.abort) this.addResults(probe, true);
    options.signal?.addEventListener('abort', () => this.stop('interrupted'), { once: true });
  }

  async run(): Promise<ExperimentRun> {
    const { experiment } = this;
    this.note(`experiment "${experiment.title}" against ${this.options.url}`);
    try {
      const method = await this.resolveTargets(experiment.method);
      await this.startLoad();
      await this.phase('before', () => sleep(experiment.steadyStateHypothesis.windowMs, this.abort.signal));
      await this.phase('during', () => this.runSteps(method, 'method'));
      await this.phase('after', async () => {
        await sleep(experiment.steadyStateHypothesis.windowMs, this.abort.signal);
        if (experiment.load.awaitCompletion) await this.loadFinished();
      });
    } catch (e) {
      if (!(e instanceof AbortRun)) this.stop(`error: ${errorMessage(e)}`);
    } finally {
      await this.cleanUp();
    }
    return this.report();
  }

  private addResults(probe: Probe, abort: boolean): void {
    for (const phase of PHASES.filter((p) => probe.phases.includes(p)))
      this.results.push({
        probe: probe.name,
        kind: probe.kind,
        phase,
        abort,
        tolerance: probe.tolerance,
        status: 'skipped',
        value: null,
        breach: null,
      });
  }

  private ms(): number {
    return Date.now() - this.started;
  }

  private note(message: string): void {
    this.timeline.push({ atMs: this.ms(), message });
    this.options.onProgress?.(`${(this.ms() / 1000).toFixed(1).padStart(6)}s  ${message}`);
  }

  private stop(reason: string): void {
    if (this.abort.signal.aborted) return;
    this.abortReason = reason;
    this.note(`aborting: ${reason}`);
    this.abort.abort();
  }

  private check(): void {
    if (this.abort.signal.aborted) throw new AbortRun();
  }

  /** Scenario steps without a target get the lab's first target of the right kind. */
  private async resolveTargets(steps: Step[]): Promise<Step[]> {
    if (!steps.some((s) => s.type === 'scenario')) return steps;
    const { targets } = await this.lab.call<ChaosTargetsResponse>('GET', '/api/chaos/targets');
    const first = (kind: 'redis' | 'mysql') => targets.find((t) => t.kind === kind)?.id;
    return steps.map((step) => {
      if (step.type !== 'scenario' || step.scenario === 'manual-failover') return step;
      const params: Record<string, unknown> = { ...step.params };
      const kind = step.scenario === 'mysql-outage' ? 'mysql' : 'redis';
      params.target ??= first(kind);
      if (step.scenario === 'both-down') params.mysqlTarget ??= first('mysql');
      if (params.target === undefined && !step.scenario.startsWith('failover'))
        throw new Error(`${step.scenario}: the lab lists no ${kind} target; name one in params.target`);
      return { ...step, params };
    });
  }

  private async startLoad(): Promise<void> {
    const { awaitCompletion: _, ...body } = this.experiment.load;
    const run = await this.lab.call<LoadTestRun>('POST', '/api/loadtests', body);
    this.loadTest = run;
    this.note(`loop test ${run.id}: ${body.iterations} iterations, concurrency ${body.concurrency}`);
    // Seeding and warmup are not steady state: the window starts once iterations are counted.
    while (this.loadTest.phase !== 'measuring' && this.loadTest.status === 'running') {
      await sleep(POLL_MS, this.abort.signal);
      this.check();
      this.loadTest = await this.lab.call<LoadTestRun>('GET', `/api/loadtests/${run.id}`);
    }
    if (this.loadTest.status === 'failed') throw new Error(`loop test failed: ${this.loadTest.error ?? 'no reason given'}`);
  }

  private async loadFinished(): Promise<void> {
    while (this.loadTest?.status === 'running') {
      await sleep(POLL_MS * 4, this.abort.signal);
      this.check();
      this.loadTest = await this.lab.call<LoadTestRun>('GET', `/api/loadtests/${this.loadTest.id}`);
    }
    this.note(`loop test ${this.loadTest?.status}: ${this.loadTest?.progress.done} iterations, ${this.loadTest?.progress.failed} failed`);
    if (this.loadTest?.status !== 'completed') this.stop(`the loop test ended ${this.loadTest?.status}, not completed`);
  }

  /** Runs work while sampling the phase's probes every second; the abort probes stop everything. */
  private async phase(phase: Phase, work: () => Promise<void>): Promise<void> {
    this.check();
    this.note(`${phase}: checking ${this.results.filter((r) => r.phase === phase).length} probe(s)`);
    const base = await this.lab.call<MetricsSnapshot>('GET', '/api/metrics/snapshot');
    for (const r of this.results) if (r.phase === phase) r.status = 'unmeasured';
    const done = new AbortController();
    const sampler = (async () => {
      while (!done.signal.aborted && !this.abort.signal.aborted) {
        await sleep(this.options.sampleMs ?? 1000, done.signal);
        if (!done.signal.aborted) await this.sample(phase, base, false);
      }
    })().catch((e: unknown) => this.stop(`sampling failed: ${errorMessage(e)}`));
    try {
      await work();
    } finally {
      done.abort();
      await sampler;
    }
    this.check();
    await this.sample(phase, base, true);
    this.check();
  }

  private async sample(phase: Phase, base: MetricsSnapshot, final: boolean): Promise<void> {
    const now = await this.lab.call<MetricsSnapshot>('GET', '/api/metrics/snapshot');
    const atMs = this.ms();
    this.samples.push({ atMs, phase, reads: now.totals.reads, failedReads: now.totals.failedReads, redisState: now.redis.state });
    const probes = [
      ...this.experiment.steadyStateHypothesis.probes.map((p) => ({ p, abort: false })),
      ...this.experiment.abort.map((p) => ({ p, abort: true })),
    ];
    for (const { p, abort } of probes) {
      const result = this.results.find((r) => r.probe === p.name && r.phase === phase && r.abort === abort);
      if (!result || result.breach) continue;
      const value = p.kind === 'http-status' ? (await this.lab.request('GET', p.path)).status : snapshotValue(p, base, now);
      if (value === null) continue;
      result.value = value;
      if (!final && !judgedEverySample(p, abort)) continue;
      const by = excess(value, p.tolerance);
      if (by === 0) {
        if (final) result.status = 'passed';
        continue;
      }
      result.status = 'breached';
      result.breach = { atMs, at: new Date().toISOString(), value, by };
      this.note(
        `${abort ? 'abort condition' : 'probe'} "${p.name}" breached ${phase}: ${formatValue(p.kind, value)} (${describeTolerance(p.kind, p.tolerance)})`,
      );
      if (abort) this.stop(`abort condition "${p.name}" breached ${phase}`);
    }
  }

  private async runSteps(steps: Step[], what: 'method' | 'rollbacks', signal: AbortSignal | null = this.abort.signal): Promise<void> {
    for (const [i, step] of steps.entries()) {
      if (signal?.aborted) throw new AbortRun();
      this.note(`${what}[${i}]: ${describeStep(step)}`);
      if (step.type === 'pause') await sleep(step.durationMs, signal ?? undefined);
      else if (step.type === 'request') {
        const res = await this.lab.request(step.method, step.path);
        if (step.expectStatus !== undefined && res.status !== step.expectStatus)
          throw new Error(`${what}[${i}]: ${step.method} ${step.path} answered ${res.status}, expected ${step.expectStatus}`);
      } else await this.runScenario(step, what, i, signal);
    }
  }

  private async runScenario(step: ScenarioStep, what: string, i: number, signal: AbortSignal | null): Promise<void> {
    let run = await this.lab.call<ChaosRun>('POST', `/api/chaos/scenarios/${step.scenario}`, step.params);
    this.activeChaosRun = run.id;
    while (run.status === 'running') {
      await sleep(POLL_MS, signal ?? undefined);
      if (signal?.aborted) return; // cleanUp cancels it
      run = await this.lab.call<ChaosRun>('GET', `/api/chaos/runs/${run.id}`);
    }
    this.activeChaosRun = null;
    this.chaosRuns.push(run);
    this.note(
      `${what}[${i}]: chaos run ${run.id} ${run.status}${run.metrics.timeToRecoverMs !== null ? `, recovered in ${run.metrics.timeToRecoverMs} ms` : ''}`,
    );
    if (run.status !== 'completed') throw new Error(`${what}[${i}]: chaos run ${run.status}${run.error ? `: ${run.error}` : ''}`);
  }

  /** Cancels what still runs (the fault first), then the rollbacks; never throws. */
  private async cleanUp(): Promise<void> {
    const attempt = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (e) {
        this.note(`${what} failed: ${errorMessage(e)}`);
      }
    };
    if (this.activeChaosRun) {
      const id = this.activeChaosRun;
      await attempt(`cancelling chaos run ${id}`, async () => {
        let run = await this.lab.call<ChaosRun>('POST', `/api/chaos/runs/${id}/cancel`);
        // The cancel restores the target; the report should hold the run as it ended, not mid-restore.
        while (run.status === 'running') {
          await sleep(POLL_MS);
          run = await this.lab.call<ChaosRun>('GET', `/api/chaos/runs/${id}`);
        }
        this.chaosRuns.push(run);
        this.note(`chaos run ${id} ${run.status}`);
      });
    }
    if (this.loadTest?.status === 'running') {
      const id = this.loadTest.id;
      await attempt(`cancelling loop test ${id}`, async () => {
        await this.lab.call('POST', `/api/loadtests/${id}/cancel`);
        this.loadTest = await this.lab.call<LoadTestRun>('GET', `/api/loadtests/${id}`);
      });
    }
    // Rollbacks run even after an abort: no signal cuts them short.
    await attempt('rollbacks', () => this.runSteps(this.experiment.rollbacks, 'rollbacks', null));
  }

  private report(): ExperimentRun {
    const aborted = this.abortReason !== null;
    const breached = this.results.some((r) => !r.abort && r.status === 'breached');
    return {
      title: this.experiment.title,
      verdict: aborted ? 'aborted' : breached ? 'breached' : 'passed',
      abortReason: this.abortReason,
      startedAt: new Date(this.started).toISOString(),
      durationMs: this.ms(),
      probes: this.results,
      timeline: this.timeline,
      samples: this.samples,
      chaosRuns: this.chaosRuns,
      loadTest: this.loadTest,
    };
  }
}

export function describeStep(step: Step): string {
  if (step.type === 'pause') return `pause ${step.durationMs} ms`;
  if (step.type === 'request') return `${step.method} ${step.path}`;
  return `${step.scenario} ${JSON.stringify(step.params)}`;
}

export function formatValue(kind: Probe['kind'], value: number): string {
  if (kind === 'redis-read-share') return `${(value * 100).toFixed(2)} %`;
  if (kind === 'p99-read-latency') return `${value.toFixed(1)} ms`;
  return String(value);
}

export function describeTolerance(kind: Probe['kind'], t: { max?: number; min?: number }): string {
  return [t.min !== undefined ? `≥ ${formatValue(kind, t.min)}` : null, t.max !== undefined ? `≤ ${formatValue(kind, t.max)}` : null]
    .filter(Boolean)
    .join(' and ');
}
