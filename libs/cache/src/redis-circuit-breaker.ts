import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@rrl/config';
import type { BreakerState, BreakerTransition } from '@rrl/contracts';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  SamplingBreaker,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';

export type RedisBreakerOptions = AppConfig['redis']['resilience']['breaker'];

/** Transitions kept for GET /api/cache/stats; enough to show a few outages in a row. */
const HISTORY_LIMIT = 50;

const identity = <T>(value: T): T => value;

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Trips when either cockatiel breaker does: N consecutive failures, or a failure rate over a
 * sliding window (with a minimum number of calls). Remembers which one tripped, for the log.
 */
class EitherBreaker implements IBreaker {
  tripReason = '';
  private readonly consecutive: ConsecutiveBreaker;
  private readonly sampling: SamplingBreaker;

  constructor(private readonly o: RedisBreakerOptions) {
    this.consecutive = new ConsecutiveBreaker(o.consecutiveFailures);
    this.sampling = new SamplingBreaker({
      // cockatiel opens on rate > threshold and wants (0, 1); a hair below gives our ">=" and allows 1.
      threshold: Math.min(o.failureRateThreshold, 1) - 1e-9,
      duration: o.failureRateWindow,
      // cockatiel counts calls per second over the window; this makes it "at least N calls in the window".
      minimumRps: o.failureRateMinimumRequests / (o.failureRateWindow / 1000),
    });
  }

  get state(): unknown {
    return { consecutive: this.consecutive.state, sampling: this.sampling.state };
  }

  set state(value: unknown) {
    const v = value as { consecutive: number; sampling: unknown };
    this.consecutive.state = v.consecutive;
    this.sampling.state = v.sampling;
  }

  success(state: CircuitState): void {
    this.consecutive.success();
    this.sampling.success(state);
  }

  failure(state: CircuitState): boolean {
    const consecutive = this.consecutive.failure();
    const rate = this.sampling.failure(state);
    if (consecutive) this.tripReason = `${this.o.consecutiveFailures} consecutive failures`;
    else if (rate)
      this.tripReason = `failure rate >= ${Math.round(this.o.failureRateThreshold * 100)}% over ${this.o.failureRateWindow} ms`;
    return consecutive || rate;
  }
}

/**
 * The circuit breaker in front of every Redis call of the cache (cockatiel). While open, calls
 * fail at once with BrokenCircuitError; after halfOpenAfter one call probes Redis, and calls
 * arriving during that probe are rejected too instead of queueing behind it.
 */
export class RedisCircuitBreaker {
  readonly events = new EventEmitter<{ transition: [BreakerTransition] }>();
  private readonly logger = new Logger('RedisCircuitBreaker');
  private readonly trips: EitherBreaker;
  private readonly policy: CircuitBreakerPolicy;
  private readonly transitions: BreakerTransition[] = [];
  private current: BreakerState = 'closed';
  private lastError = '';
  private openedAt = 0;
  /** Set while closeOnRecovery() runs, so its transient "isolated" step is not recorded. */
  private recoveryReason: string | null = null;

  constructor(private readonly options: RedisBreakerOptions) {
    this.trips = new EitherBreaker(options);
    this.policy = circuitBreaker(handleAll, { halfOpenAfter: options.halfOpenAfter, breaker: this.trips });
    this.policy.onFailure(({ reason }) => {
      if ('error' in reason) this.lastError = reason.error instanceof Error ? reason.error.message : String(reason.error);
    });
    this.policy.onStateChange((s) => this.record(STATE_NAMES[s]));
  }

  get state(): BreakerState {
    return STATE_NAMES[this.policy.state];
  }

  /** True when a call would be rejected without reaching Redis. */
  isRejecting(): boolean {
    const s = this.policy.state;
    return s === CircuitState.HalfOpen || s === CircuitState.Isolated || (s === CircuitState.Open && !this.probeDue());
  }

  execute<T>(fn: () => Promise<T>): Promise<T> {
    // The original rejection reason is passed on untouched, whatever it is.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return this.settle(fn, identity, (error) => Promise.reject(error));
  }

  /**
   * execute() and the caller's own then() in one promise: `onValue` maps a success, `onError` a
   * failure (after the breaker counted it, or the rejection when the breaker did not let the call
   * through). The read path's hot call (see bench/run.ts): one promise on top of the client's.
   */
  settle<T, R>(fn: () => Promise<T>, onValue: (value: T) => R, onError: (error: unknown) => R | Promise<R>): Promise<R> {
    const state = this.policy.state;
    if (state === CircuitState.Closed) {
      // Closed-state fast path, by hand because cockatiel's execute() costs ~10 % of a cache hit
      // (two async layers and an event per call; see bench/run.ts). It does what cockatiel does
      // when closed: run, then tell the breaker. A failure is replayed through cockatiel, which
      // counts it and decides about opening; the caller always gets the original error.
      return fn().then(
        (value) => {
          this.trips.success(CircuitState.Closed);
          return onValue(value);
        },
        (error: unknown) =>
          this.policy
            .execute(() => Promise.reject(error as Error))
            .then(
              () => onError(error),
              () => onError(error),
            ),
      );
    }
    // cockatiel parks calls behind the half-open probe; a read must not wait on a dead Redis.
    if (state === CircuitState.HalfOpen)
      return Promise.resolve(onError(new BrokenCircuitError('Redis circuit is half-open: a probe is in flight')));
    return this.policy.execute(fn).then(onValue, onError);
  }

  /**
   * The connection reports Redis ready again (a fresh handshake and ready check succeeded): close
   * now instead of waiting up to halfOpenAfter for the next probe. cockatiel has no "close" call;
   * isolate() + dispose() is its documented way back to closed.
   */
  closeOnRecovery(reason: string): boolean {
    if (this.policy.state !== CircuitState.Open && this.policy.state !== CircuitState.HalfOpen) return false;
    this.recoveryReason = reason;
    try {
      this.policy.isolate().dispose();
    } finally {
      this.recoveryReason = null;
    }
    return true;
  }

  history(): BreakerTransition[] {
    return [...this.transitions];
  }

  private probeDue(): boolean {
    return Date.now() - this.openedAt >= this.options.halfOpenAfter;
  }

  private record(to: BreakerState): void {
    if (this.recoveryReason && to === 'isolated') return;
    const from = this.current;
    this.current = to;
    if (to === 'open') this.openedAt = Date.now();
    const t: BreakerTransition = { at: new Date().toISOString(), from, to, reason: this.reasonFor(from, to) };
    this.transitions.push(t);
    if (this.transitions.length > HISTORY_LIMIT) this.transitions.shift();
    const line = `Redis circuit ${from} -> ${to}: ${t.reason}`;
    if (to === 'open') this.logger.warn(line);
    else this.logger.log(line);
    this.events.emit('transition', t);
  }

  private reasonFor(from: BreakerState, to: BreakerState): string {
    const cause = this.lastError ? ` (last error: ${this.lastError})` : '';
    if (to === 'open') return from === 'half-open' ? `probe failed${cause}` : `${this.trips.tripReason}${cause}`;
    if (to === 'half-open') return `${this.options.halfOpenAfter} ms elapsed, probing Redis`;
    if (to === 'closed') return this.recoveryReason ?? (from === 'isolated' ? 'isolation lifted' : 'probe succeeded');
    return 'isolated by hand';
  }
}
