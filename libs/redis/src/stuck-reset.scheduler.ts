/**
 * When to ask "is the reconnect loop stuck?": every `intervalMs` (redis.resilience.autoResetInterval),
 * and once after a backoff when the client ended on its own (no reconnect scheduled). The answer
 * is StuckRetryDetector's; this only owns the timers, all unref'd so they never keep a process alive.
 */
export class StuckResetScheduler {
  private interval: NodeJS.Timeout | null = null;
  private once: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly check: () => void,
  ) {}

  start(): void {
    this.interval ??= setInterval(this.check, this.intervalMs).unref();
  }

  /** One extra check after `delayMs`; replaces a pending one. */
  checkAfter(delayMs: number): void {
    this.cancelPending();
    this.once = setTimeout(() => ((this.once = null), this.check()), delayMs).unref();
  }

  cancelPending(): void {
    if (this.once) clearTimeout(this.once);
    this.once = null;
  }

  stop(): void {
    this.cancelPending();
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
}
