import type { OutageSummary, RedisStateTransition } from '@rrl/contracts';
import { LatencyHistogram } from './latency-histogram';

const OUTAGE_STATES = new Set(['reconnecting', 'auth-failed']);

/**
 * Redis outages as the connection reports them: one starts at the first transition into
 * reconnecting / auth-failed (after boot or after being ready) and ends at the next ready. Time to
 * recover runs from that ready to the first read served by Redis again (the breaker and pending
 * invalidations may hold reads back a little longer than the connection).
 */
export class OutageTracker {
  readonly durations = new LatencyHistogram();
  readonly recoveries = new LatencyHistogram();
  private current: { startedAt: number } | null = null;
  private last: { startedAt: number; endedAt: number; timeToRecoverMs: number | null } | null = null;
  /** True between a ready and the first Redis read after it: the only thing the hot path checks. */
  awaitingRecovery = false;

  constructor(private readonly now: () => number) {}

  onTransition(t: RedisStateTransition): void {
    const at = Date.parse(t.at);
    if (OUTAGE_STATES.has(t.to) && !this.current) {
      this.current = { startedAt: at };
      this.awaitingRecovery = false;
    } else if (t.to === 'ready' && this.current) {
      this.last = { startedAt: this.current.startedAt, endedAt: at, timeToRecoverMs: null };
      this.durations.record(at - this.current.startedAt);
      this.current = null;
      this.awaitingRecovery = true;
    }
  }

  /** The first read served by Redis after an outage ended. */
  onRedisRead(): void {
    this.awaitingRecovery = false;
    if (!this.last || this.last.timeToRecoverMs !== null) return;
    this.last.timeToRecoverMs = Math.max(0, this.now() - this.last.endedAt);
    this.recoveries.record(this.last.timeToRecoverMs);
  }

  currentOutage(): OutageSummary | null {
    if (!this.current) return null;
    const { startedAt } = this.current;
    return { startedAt: iso(startedAt), endedAt: null, durationMs: this.now() - startedAt, timeToRecoverMs: null };
  }

  lastOutage(): OutageSummary | null {
    if (!this.last) return null;
    const { startedAt, endedAt, timeToRecoverMs } = this.last;
    return { startedAt: iso(startedAt), endedAt: iso(endedAt), durationMs: endedAt - startedAt, timeToRecoverMs };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
