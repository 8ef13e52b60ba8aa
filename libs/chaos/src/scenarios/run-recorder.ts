import { percentile, redactSecrets, sortedAscending } from '@rrl/common';
import type {
  BreakerTransition,
  ChaosRun,
  ReadOutcome,
  RedisStateTransition,
  RunMetrics,
  TimelineEvent,
  TimelineEventType,
  WriteOutcome,
} from '@rrl/contracts';
import type { MasterSwitch } from '../sentinel/sentinel-description';
import type { AppObserver, RetryEvent } from './app-under-test';
import { FailoverTally } from './failover-tally';

/** Which store the fault hits: decides what counts as "detected" and as "recovered". */
export type FaultedStores = 'redis' | 'mysql' | 'both';

/** A run's timeline stays readable: beyond this, repetitive events are dropped (and counted). */
const TIMELINE_CAP = 1000;
/** Read latencies kept for percentiles (a long run at high traffic keeps its first ones). */
const LATENCY_CAP = 200_000;

export interface RunRecorderHooks {
  /**
   * Failed Redis calls in the app so far (errors plus breaker rejections): a read served from
   * MySQL is a detection only once that count has moved, since a plain cache miss (after a write
   * invalidated the key) is served from MySQL too.
   */
  redisFailures?: () => number;
  /** Each timeline event as it is recorded (a live view). */
  onEvent?: (e: TimelineEvent) => void;
  /** In Sentinel mode: the node the connection is on when the run starts (reads are counted by node, a switch is measured). */
  sentinel?: { node: string | null };
  now?: () => number;
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/**
 * Turns what the app reports (reads, connection transitions, reconnect attempts, breaker changes)
 * into a run's timeline and metrics. Pure bookkeeping: the runner feeds it, the API reads it.
 */
export class RunRecorder implements AppObserver {
  private readonly timeline: TimelineEvent[] = [];
  private readonly latencies: number[] = [];
  private readonly reads = { total: 0, redis: 0, mysql: 0, none: 0, failed: 0 };
  private readonly readErrors: Record<string, number> = {};
  private readonly redisErrors: Record<string, number> = {};
  private readonly secrets: string[] = [];
  private dropped = 0;
  private reconnectAttempts = 0;
  private actionAt: number | null = null;
  private detectedAt: number | null = null;
  private backAt: number | null = null;
  private recoveredAt: number | null = null;
  private appReconnectedAt: number | null = null;

  private failuresAtAction = 0;
  private readonly redisFailures: () => number;
  private readonly now: () => number;
  private readonly failover: FailoverTally | null;

  constructor(
    private readonly startedAt: number,
    readonly faulted: FaultedStores,
    private readonly hooks: RunRecorderHooks = {},
  ) {
    this.redisFailures = hooks.redisFailures ?? (() => 0);
    this.now = hooks.now ?? Date.now;
    this.failover = hooks.sentinel ? new FailoverTally(hooks.sentinel.node) : null;
  }

  get recovered(): boolean {
    return this.recoveredAt !== null;
  }

  get readCount(): number {
    return this.reads.total;
  }

  get reconnected(): boolean {
    return this.appReconnectedAt !== null;
  }

  secret(value: string): void {
    if (value) this.secrets.push(value);
  }

  mark(type: TimelineEventType, message: string, data?: TimelineEvent['data']): void {
    const repetitive = type === 'reconnect-attempt' || type === 'redis-state' || type === 'breaker-state';
    if (this.timeline.length >= TIMELINE_CAP && repetitive) return void this.dropped++;
    const at = this.now();
    const event: TimelineEvent = {
      at: new Date(at).toISOString(),
      offsetMs: at - this.startedAt,
      type,
      message: this.redact(message),
      ...(data ? { data } : {}),
    };
    this.timeline.push(event);
    this.hooks.onEvent?.(event);
  }

  action(message: string): void {
    if (this.actionAt === null) {
      this.failuresAtAction = this.redisFailures();
      this.failover?.faultIssued();
    }
    this.actionAt ??= this.now();
    this.mark('action', message);
  }

  /** A sentinel announced a new master (+switch-master). */
  masterSwitched(s: MasterSwitch): void {
    const measured = this.failover?.switched(s, this.actionAt) ?? false;
    this.mark('master-switch', `Sentinel promoted ${s.to} (was ${s.from})`, {
      from: s.from,
      to: s.to,
      ...(measured && this.actionAt !== null ? { sinceActionMs: s.at - this.actionAt } : {}),
    });
  }

  targetBack(message: string): void {
    this.backAt = this.now();
    this.mark('target-back', message);
  }

  /** The database answers again after a MySQL fault: that is its recovery. */
  databaseBack(): void {
    if (this.backAt === null || this.faulted !== 'mysql' || this.recoveredAt !== null) return;
    this.recoveredAt = this.now();
    this.mark('app-reconnected', 'the database answers again', { store: 'mysql' });
  }

  onRead(o: ReadOutcome): void {
    this.reads.total++;
    this.reads[o.source]++;
    if (!o.ok) {
      this.reads.failed++;
      const kind = o.errorKind ?? 'unknown';
      this.readErrors[kind] = (this.readErrors[kind] ?? 0) + 1;
    }
    if (this.latencies.length < LATENCY_CAP) this.latencies.push(o.durationMs);
    if (!o.ok) this.detect(`a read failed (${o.errorKind ?? 'unknown'})`);
    else if (o.source !== 'redis' && this.faulted !== 'mysql' && this.redisCallsFailing())
      this.detect(`a read was served from ${o.source}: Redis calls are failing`);
    if (this.failover?.onRead(o, this.now()))
      this.mark('first-new-master-read', `first read served by the new master ${this.failover.promoted?.to}`, {
        durationMs: round(o.durationMs),
      });
    if (o.ok && o.source === 'redis' && this.backAt !== null && this.recoveredAt === null && this.faulted !== 'mysql') {
      this.recoveredAt = this.now();
      this.mark('first-redis-read', 'first read served from Redis again', { durationMs: round(o.durationMs) });
    }
  }

  onWrite(w: WriteOutcome): void {
    this.failover?.onWrite(w, this.actionAt !== null);
  }

  onTransition(t: RedisStateTransition): void {
    this.failover?.onTransition(t);
    if (t.errorKind) this.redisErrors[t.errorKind] = (this.redisErrors[t.errorKind] ?? 0) + 1;
    this.mark('redis-state', `Redis connection ${t.from} → ${t.to}${t.errorKind ? ` (${t.errorKind})` : ''}`, {
      from: t.from,
      to: t.to,
      attempt: t.attempt,
      errorKind: t.errorKind ?? null,
    });
    if (t.from === 'ready' && this.faulted !== 'mysql') this.detect(`the Redis connection left ready (${t.errorKind ?? t.to})`);
    if (t.to === 'ready' && this.actionAt !== null) {
      this.appReconnectedAt = this.now();
      this.mark('app-reconnected', 'the Redis connection is ready again', { attempt: t.attempt });
    }
  }

  onRetry(r: RetryEvent): void {
    if (this.actionAt === null) return;
    this.reconnectAttempts++;
    this.mark('reconnect-attempt', `reconnect attempt ${r.attempt} in ${r.delayMs} ms (${r.errorKind})`, {
      attempt: r.attempt,
      delayMs: r.delayMs,
      errorKind: r.errorKind,
    });
  }

  onBreaker(b: BreakerTransition): void {
    this.mark('breaker-state', `circuit breaker ${b.from} → ${b.to} (${b.reason})`, { from: b.from, to: b.to, reason: b.reason });
    if (b.to === 'open' && this.faulted !== 'mysql') this.detect(`the circuit breaker opened (${b.reason})`);
  }

  snapshot(run: Omit<ChaosRun, 'timeline' | 'metrics'>): ChaosRun {
    const timeline = this.dropped ? [...this.timeline, this.noteDropped()] : [...this.timeline];
    return { ...run, error: run.error === null ? null : this.redact(run.error), timeline, metrics: this.metrics() };
  }

  private metrics(): RunMetrics {
    const sorted = sortedAscending(this.latencies);
    return {
      reads: { ...this.reads },
      readErrorsByKind: { ...this.readErrors },
      redisErrorsByKind: { ...this.redisErrors },
      latencyMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? null) },
      reconnectAttempts: this.reconnectAttempts,
      timeToDetectMs: this.actionAt !== null && this.detectedAt !== null ? this.detectedAt - this.actionAt : null,
      timeToRecoverMs: this.backAt !== null && this.recoveredAt !== null ? this.recoveredAt - this.backAt : null,
      ...(this.failover ? { failover: this.failover.metrics() } : {}),
    };
  }

  /** Only asked while detection is pending, on reads that did not come from Redis. */
  private redisCallsFailing(): boolean {
    return this.actionAt !== null && this.detectedAt === null && this.redisFailures() > this.failuresAtAction;
  }

  private detect(message: string): void {
    if (this.actionAt === null || this.detectedAt !== null) return;
    this.detectedAt = this.now();
    this.mark('first-failure', message);
  }

  private noteDropped(): TimelineEvent {
    const at = this.now();
    return {
      at: new Date(at).toISOString(),
      offsetMs: at - this.startedAt,
      type: 'note',
      message: `${this.dropped} further connection/breaker events not kept`,
    };
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }
}
