import type { RedisErrorKind } from '@rrl/contracts';
import { backoffDelay } from './backoff';

/**
 * How long an outage may run on the quick backoff. Past it, full connection attempts (TCP, HELLO
 * with AUTH, ready check) are at most one a second per instance; the recovery probe, which costs
 * the server far less, is what notices Redis back within milliseconds.
 */
export const QUICK_RETRIES_FOR_MS = 10_000;
/** The gap between two full attempts once the outage is past QUICK_RETRIES_FOR_MS. */
export const SLOW_RETRY_GAP_MS = 1000;

export interface ReconnectDelayInput {
  /** 1-based attempt within the outage. */
  attempt: number;
  /** Kind of the failure being retried, when one was reported. */
  errorKind: RedisErrorKind | null;
  /** How long Redis has been unavailable. */
  outageMs: number;
  /** The connection was closed on purpose to get a fresh socket: reconnect at once. */
  immediate: boolean;
}

export interface ReconnectDelayOptions {
  retryDelay: number;
  maxRetryDelay: number;
}

/** The ioredis retryStrategy's answer: never null, so the reconnect loop is never abandoned. */
export function reconnectDelay(input: ReconnectDelayInput, o: ReconnectDelayOptions, random: () => number = Math.random): number {
  if (input.immediate) return 0;
  // Wrong credentials will not fix themselves quickly: retry at the cap, do not hammer.
  const delay = input.errorKind === 'auth' ? o.maxRetryDelay : backoffDelay(input.attempt, o.retryDelay, o.maxRetryDelay, random);
  return input.outageMs >= QUICK_RETRIES_FOR_MS ? Math.max(delay, SLOW_RETRY_GAP_MS) : delay;
}
