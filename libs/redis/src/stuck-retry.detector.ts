import type { RedisConnectionState } from '@rrl/contracts';

export interface StuckRetryInput {
  state: RedisConnectionState;
  /** Reconnect attempts by the current client object since it was built or last ready. */
  clientAttempts: number;
  /** ioredis status of the current client. */
  clientStatus: string;
  /** Epoch ms of the client's last sign of life (status event, error, retry). */
  lastProgressAt: number;
  now: number;
}

export interface StuckRetryOptions {
  /** redis.resilience.stuckRetryThreshold. */
  threshold: number;
  /** Longest a healthy reconnect loop goes without any client event. */
  stallMs: number;
}

/**
 * Decides whether the reconnect loop is stuck and the client should be rebuilt: too many
 * attempts without a ready, a client that ended without scheduling a reconnect, or a client
 * that stopped reporting anything while not ready. Returns why, or null.
 */
export class StuckRetryDetector {
  constructor(private readonly options: StuckRetryOptions) {}

  reason(input: StuckRetryInput): string | null {
    if (input.state === 'ready' || input.state === 'stopped' || input.state === 'idle') return null;
    if (input.clientAttempts >= this.options.threshold) {
      return `${input.clientAttempts} reconnect attempts without ready (threshold ${this.options.threshold})`;
    }
    if (input.clientStatus === 'end') return 'client ended without scheduling a reconnect';
    const silentMs = input.now - input.lastProgressAt;
    if (silentMs > this.options.stallMs) return `no connection progress for ${silentMs} ms while ${input.state}`;
    return null;
  }
}
