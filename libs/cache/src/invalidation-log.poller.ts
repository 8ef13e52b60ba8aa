import type { InvalidationMark } from '@rrl/users';

/**
 * How often an instance whose Redis connection is up reads the log for marks another instance
 * made (an asymmetric partition: that one cannot reach Redis, this one can and would serve the
 * old value). One small query a second; the table is empty unless some instance is cut off.
 */
export const LOG_POLL_MS = 1000;

export interface InvalidationLogPollerDeps {
  /** Whether a poll is due now (Redis ready, database connected, the log read once, nothing else reading it). */
  canPoll(): boolean;
  list(): Promise<InvalidationMark[]>;
  /** Marks found in the log (never called with none). */
  found(marks: InvalidationMark[]): void;
  /** A poll failed (the next one retries). */
  failed(error: unknown): void;
}

/** Reads the invalidation log every LOG_POLL_MS for marks other instances made, one poll at a time. */
export class InvalidationLogPoller {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly deps: InvalidationLogPollerDeps) {}

  start(): void {
    // unref: a periodic check must not keep a process alive on its own.
    this.timer ??= setInterval(() => this.poll(), LOG_POLL_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private poll(): void {
    if (this.polling || !this.deps.canPoll()) return;
    this.polling = true;
    this.deps
      .list()
      .then((marks) => {
        if (marks.length > 0) this.deps.found(marks);
      })
      .catch((e: unknown) => this.deps.failed(e))
      .finally(() => (this.polling = false));
  }
}
