import type { LoadTestOutage, MetricReadSource, RedisConnectionState, RedisStateTransition } from '@rrl/contracts';

interface OpenOutage {
  startedAt: number;
  endedAt: number | null;
  readsServedByMysql: number;
  timeToRecoverMs: number | null;
}

/**
 * The Redis outages a run lives through, from the connection's transitions (ready → anything else
 * starts one, → ready ends it) and the run's own reads (time to recover = Redis ready again → the
 * run's first read served by Redis; reads the database answered meanwhile are counted).
 */
export class LoopOutageTracker {
  private readonly outages: OpenOutage[] = [];
  /** The outage that has not recovered yet (Redis down, or up but not yet read from). */
  private current: OpenOutage | null = null;

  constructor(
    initialState: RedisConnectionState,
    private readonly now: () => number = Date.now,
  ) {
    if (initialState !== 'ready') this.open();
  }

  onTransition(t: RedisStateTransition): void {
    if (t.to === 'ready') {
      if (this.current && this.current.endedAt === null) this.current.endedAt = this.now();
    } else if (t.from === 'ready' || !this.current) {
      this.open();
    }
  }

  /** Called for every read of the run: cheap unless an outage is being tracked. */
  onRead(source: MetricReadSource): void {
    const outage = this.current;
    if (!outage) return;
    if (source === 'mysql') outage.readsServedByMysql++;
    else if (source === 'redis' && outage.endedAt !== null) {
      outage.timeToRecoverMs = this.now() - outage.endedAt;
      this.current = null;
    }
  }

  summaries(): LoadTestOutage[] {
    const now = this.now();
    return this.outages.map((o) => ({
      startedAt: new Date(o.startedAt).toISOString(),
      endedAt: o.endedAt === null ? null : new Date(o.endedAt).toISOString(),
      durationMs: (o.endedAt ?? now) - o.startedAt,
      timeToRecoverMs: o.timeToRecoverMs,
      readsServedByMysql: o.readsServedByMysql,
    }));
  }

  private open(): void {
    const outage: OpenOutage = { startedAt: this.now(), endedAt: null, readsServedByMysql: 0, timeToRecoverMs: null };
    this.outages.push(outage);
    this.current = outage;
  }
}
