import { errorMessage } from '@rrl/contracts';

export interface RedisHeartbeatOptions {
  /** How often a PING goes out while the connection is ready (redis.connection.heartbeatInterval). */
  intervalMs: number;
  /** How long a PING may stay unanswered before the connection counts as half-open. */
  timeoutMs: number;
  ping: () => Promise<unknown>;
  onTimeout: (waitedMs: number) => void;
}

/**
 * Notices a Redis that keeps the TCP connection open but never answers (a SIGSTOP'd or
 * wedged process, a black-holed network): neither ioredis nor TCP keepalive report that for
 * a long time. One PING in flight at most; its own timer, independent of commandTimeout.
 */
export class RedisHeartbeat {
  private interval: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private sequence = 0;

  constructor(private readonly options: RedisHeartbeatOptions) {}

  get running(): boolean {
    return this.interval !== null;
  }

  start(): void {
    if (this.interval) return;
    // unref: the heartbeat alone must never keep a process (a test, a CLI) alive.
    this.interval = setInterval(() => this.beat(), this.options.intervalMs).unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    this.settle();
  }

  private beat(): void {
    if (this.deadline) return;
    const id = ++this.sequence;
    const { timeoutMs } = this.options;
    this.deadline = setTimeout(() => {
      this.stop();
      this.options.onTimeout(timeoutMs);
    }, timeoutMs).unref();
    this.options.ping().then(
      () => this.settle(id),
      (err: unknown) => {
        // A command timeout is exactly the silence we are waiting out; any other error is an
        // answer (a reply error) or a connection already known to be gone.
        if (!/timed out/i.test(errorMessage(err))) this.settle(id);
      },
    );
  }

  private settle(id = this.sequence): void {
    if (id !== this.sequence || !this.deadline) return;
    clearTimeout(this.deadline);
    this.deadline = null;
  }
}
