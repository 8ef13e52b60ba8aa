import { CappedBuffer } from '@rrl/common';
import type { RedisConnectionState, RedisConnectionStats, RedisErrorKind, RedisStateTransition, RedisStatus } from '@rrl/contracts';

/** Transitions kept for GET /api/redis/history and the dashboard. */
export const HISTORY_CAPACITY = 200;

export interface TransitionCause {
  errorKind?: RedisErrorKind;
  message?: string;
  /** Backoff before the scheduled attempt, when the client told it. */
  delayMs?: number;
}

type LastError = NonNullable<RedisStatus['lastError']>;

/**
 * The connection's explicit states, its transition history (a ring buffer) and outage stats.
 * Knows nothing about ioredis: the connection service feeds it events, tests feed it directly.
 */
export class RedisStateMachine {
  private _state: RedisConnectionState = 'idle';
  private _attempt = 0;
  private _lastError: LastError | null = null;
  private readonly ring: CappedBuffer<RedisStateTransition>;
  private outageStartedAt: number | null = null;
  private counters = { attempts: 0, outages: 0, successfulReconnects: 0, forcedResets: 0 };
  private lastRecoveryMs: number | null = null;
  private lastReadyAt: number | null = null;

  constructor(
    private readonly onTransition: (t: RedisStateTransition) => void = () => undefined,
    private readonly now: () => number = Date.now,
    capacity = HISTORY_CAPACITY,
  ) {
    this.ring = new CappedBuffer(capacity);
  }

  get state(): RedisConnectionState {
    return this._state;
  }

  /** Reconnect attempt within the current outage; 0 when ready. */
  get attempt(): number {
    return this._attempt;
  }

  get lastError(): LastError | null {
    return this._lastError;
  }

  begin(): void {
    if (this._state === 'idle') this.moveTo('connecting', {});
  }

  recordError(errorKind: RedisErrorKind, message: string): void {
    this._lastError = { kind: errorKind, message, at: new Date(this.now()).toISOString() };
  }

  /** The client scheduled reconnect attempt n+1 after a failure of the given kind. */
  retryScheduled(cause: Required<Omit<TransitionCause, 'delayMs'>> & Pick<TransitionCause, 'delayMs'>): void {
    if (this._state === 'stopped') return;
    this.startOutage();
    this._attempt += 1;
    this.counters.attempts += 1;
    this.moveTo(cause.errorKind === 'auth' ? 'auth-failed' : 'reconnecting', cause);
  }

  ready(): void {
    if (this._state === 'stopped' || this._state === 'ready') return;
    const now = this.now();
    if (this.outageStartedAt !== null) {
      this.counters.successfulReconnects += 1;
      this.lastRecoveryMs = now - this.outageStartedAt;
      this.outageStartedAt = null;
    }
    this.lastReadyAt = now;
    this.moveTo('ready', {});
    this._attempt = 0;
  }

  /** The client was discarded and rebuilt; recorded even when the state stays "reconnecting". */
  forcedReset(reason: string): void {
    if (this._state === 'stopped') return;
    this.startOutage();
    this.counters.forcedResets += 1;
    this.moveTo('reconnecting', { errorKind: 'stuck-reset', message: reason }, true);
  }

  stop(): void {
    if (this._state !== 'stopped') this.moveTo('stopped', {});
  }

  stats(): RedisConnectionStats {
    const { attempts, outages, successfulReconnects, forcedResets } = this.counters;
    return {
      attempts,
      successfulReconnects,
      reconnectSuccessRate: outages === 0 ? 1 : successfulReconnects / outages,
      currentOutageMs: this.outageStartedAt === null ? null : this.now() - this.outageStartedAt,
      lastRecoveryMs: this.lastRecoveryMs,
      lastReadyAt: this.lastReadyAt === null ? null : new Date(this.lastReadyAt).toISOString(),
      forcedResets,
    };
  }

  /** Newest last. */
  history(limit?: number): RedisStateTransition[] {
    return this.ring.last(limit);
  }

  /** An outage starts at the first failure after boot or after being ready. */
  private startOutage(): void {
    if (this.outageStartedAt !== null) return;
    this.outageStartedAt = this.now();
    this.counters.outages += 1;
  }

  private moveTo(to: RedisConnectionState, cause: TransitionCause, force = false): void {
    if (to === this._state && !force) return;
    const now = this.now();
    const t: RedisStateTransition = { at: new Date(now).toISOString(), from: this._state, to, attempt: this._attempt, ...cause };
    this._state = to;
    this.ring.push(t);
    this.onTransition(t);
  }
}
