import { AppError, ERROR_CODES, type ApiErrorBody } from '@rrl/contracts';
import { CappedBuffer } from './capped-buffer';

/** A run in progress, as the slot sees it: an id and its current report. */
export interface SlotRun<S> {
  readonly id: string;
  snapshot(): S;
}

/** What the slot holds runs of, for its messages: "chaos run", "loop test". */
export interface RunSlotOptions {
  noun: string;
  /** Where a client cancels a run, named in the 409. */
  cancelPath: (id: string) => string;
  /** Finished runs kept in memory. */
  keep: number;
}

/** 409 naming the run in progress (when one has started), so a client can follow or cancel it. */
export class RunInProgressError extends AppError {
  constructor(
    readonly runId: string | null,
    message: string,
  ) {
    super(ERROR_CODES.RUN_IN_PROGRESS, message);
  }

  override toBody(): ApiErrorBody & { runId: string | null } {
    return { ...super.toBody(), runId: this.runId };
  }
}

/**
 * One run at a time, with the last finished ones: chaos runs and loop tests share it. A start is
 * refused (RunInProgressError) while a run is active and while another start is still resolving
 * its run (two starts in the same tick).
 */
export class RunSlot<R extends SlotRun<S>, S extends { id: string }> {
  private current: R | null = null;
  private starting = false;
  private readonly finished: CappedBuffer<S>;

  constructor(private readonly options: RunSlotOptions) {
    this.finished = new CappedBuffer(options.keep);
  }

  get active(): R | null {
    return this.current;
  }

  get capacity(): number {
    return this.finished.capacity;
  }

  /** Takes the slot while `begin` prepares the run (validation, lookups), which then becomes the active run. */
  async start(begin: () => Promise<R>): Promise<R> {
    if (this.current || this.starting) throw this.busy();
    this.starting = true;
    try {
      const run = await begin();
      this.current = run;
      return run;
    } finally {
      this.starting = false;
    }
  }

  /** The active `run` has ended: its snapshot joins the history and the slot is free. */
  end(run: R): S {
    if (this.current !== run) throw new Error(`run ${run.id} is not the active ${this.options.noun}`);
    const snapshot = run.snapshot();
    this.finished.push(snapshot);
    this.current = null;
    return snapshot;
  }

  /** Finished runs, newest first. */
  history(): S[] {
    return this.finished.last().reverse();
  }

  /** The active run first, then finished runs, newest first. */
  list(): S[] {
    return [...(this.current ? [this.current.snapshot()] : []), ...this.history()];
  }

  /** The active or a kept finished run. */
  find(id: string): S | undefined {
    if (this.current?.id === id) return this.current.snapshot();
    return this.finished.last().find((r) => r.id === id);
  }

  /** 409 for a run that is no longer active (a cancel of an ended run). */
  endedError(id: string, status: string): AppError {
    return new AppError(ERROR_CODES.CONFLICT, `${this.options.noun} ${id} already ended (${status})`);
  }

  private busy(): RunInProgressError {
    const id = this.current?.id ?? null;
    const { noun, cancelPath } = this.options;
    return new RunInProgressError(
      id,
      id ? `a ${noun} is running (run ${id}); wait for it or POST ${cancelPath(id)}` : `a ${noun} is starting; retry in a moment`,
    );
  }
}
