import type { ChaosRun, ChaosRunPhase, ChaosRunStatus, ScenarioName, ScenarioParams } from '@rrl/contracts';
import type { RunRecorder } from './run-recorder';

export type AbortReason = 'cancelled' | 'timeout';

/** A run in progress: its state, its recorder and how to interrupt it. */
export class ActiveRun {
  readonly startedAt = new Date();
  phase: ChaosRunPhase = 'injecting';
  error: string | null = null;
  endedAt: Date | null = null;
  status: ChaosRunStatus = 'running';
  private readonly abort = new AbortController();
  private resolveDone!: () => void;
  /** Settles when the run has restored its targets and ended. */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(
    readonly id: string,
    readonly scenario: ScenarioName,
    readonly params: ScenarioParams & Record<string, unknown>,
    readonly targets: string[],
    readonly recorder: RunRecorder,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get abortReason(): AbortReason | null {
    return this.abort.signal.aborted ? (this.abort.signal.reason as AbortReason) : null;
  }

  interrupt(reason: AbortReason): void {
    if (!this.abort.signal.aborted) this.abort.abort(reason);
  }

  finish(status: ChaosRunStatus): void {
    this.status = status;
    this.phase = 'done';
    this.endedAt = new Date();
    this.resolveDone();
  }

  snapshot(): ChaosRun {
    return this.recorder.snapshot({
      id: this.id,
      scenario: this.scenario,
      params: this.params,
      targets: this.targets,
      status: this.status,
      phase: this.phase,
      startedAt: this.startedAt.toISOString(),
      endedAt: this.endedAt?.toISOString() ?? null,
      error: this.error,
    });
  }
}
