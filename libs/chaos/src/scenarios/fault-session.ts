import { errorMessage } from '@rrl/contracts';
import { sleep, untilAborted, withTimeout } from '@rrl/common';
import type { ActiveRun } from './active-run';
import type { Scenario, ScenarioContext } from './scenario';
import type { ScenarioParams } from '@rrl/contracts';

export interface FaultSessionOptions {
  maxDurationMs: number;
  /** Added to a scenario's hold time: past it the target is restored whatever hangs. */
  safetyMarginMs: number;
  /** Each undo step's budget (a MariaDB start can take a while). */
  undoTimeoutMs: number;
  log: (message: string) => void;
}

interface UndoStep {
  message: string;
  step: () => Promise<void>;
}

/**
 * One run's fault: injects it, holds it until its time is up, a cancel or the safety timeout, and
 * restores the targets with the undo steps the scenario registered, newest first, whatever happened.
 */
export class FaultSession {
  private readonly steps: UndoStep[] = [];

  constructor(
    private readonly run: ActiveRun,
    private readonly options: FaultSessionOptions,
  ) {}

  /** For the scenario's context: how to put back what it is about to break. */
  readonly undo = (message: string, step: () => Promise<void>): void => void this.steps.push({ message, step });

  /**
   * A cancel waits for the fault call to settle (undoing half of a password change would leave the
   * new one in place); only the safety timeout gives up on a call that hangs.
   */
  async injectAndHold(scenario: Scenario, params: ScenarioParams, ctx: ScenarioContext): Promise<void> {
    const { run } = this;
    const hold = Math.min(scenario.holdMs(params), this.options.maxDurationMs);
    const safetyAbort = new AbortController();
    const safety = setTimeout(() => (run.interrupt('timeout'), safetyAbort.abort()), hold + this.options.safetyMarginMs);
    const injecting = scenario.inject(ctx, params);
    try {
      await untilAborted(injecting, safetyAbort.signal);
      if (safetyAbort.signal.aborted) this.undoAgainWhenSettled(injecting);
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

  /** Runs every undo step and records the target back when all succeeded; true then. */
  async restore(): Promise<boolean> {
    const restored = await this.runSteps(true);
    const undone = this.steps.map((u) => u.message).reverse();
    if (restored) this.run.recorder.targetBack(`restored: ${undone.join('; ') || 'nothing to undo'}`);
    return restored;
  }

  /** A fault call abandoned by the safety timeout may still land later: undo it again then. */
  private undoAgainWhenSettled(injecting: Promise<void>): void {
    void injecting
      .catch(() => undefined)
      .then(() => this.runSteps(false))
      .then((ok) =>
        this.options.log(`chaos run ${this.run.id}: the abandoned fault call settled late; undone again${ok ? '' : ' (with errors)'}`),
      );
  }

  /** Every undo step, newest first, each time-limited; true when all succeeded. */
  private async runSteps(record: boolean): Promise<boolean> {
    let ok = true;
    for (const { message, step } of [...this.steps].reverse()) {
      try {
        await withTimeout(step(), this.options.undoTimeoutMs, message);
      } catch (e) {
        ok = false;
        if (!record) continue;
        this.run.error ??= `restore failed: ${message}: ${errorMessage(e)}`;
        this.run.recorder.mark('error', `restore step failed: ${message}: ${errorMessage(e)}`);
      }
    }
    return ok;
  }
}
