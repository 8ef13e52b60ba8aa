import {
  ERROR_CODES,
  type BreakerState,
  type BreakerTransition,
  type MetricReadSource,
  type MetricRedisErrorKind,
  type MetricsSnapshot,
  type ReadCacheOutcome,
  type ReadOutcome,
  type RedisConnectionState,
  type RedisErrorKind,
  type RedisStateTransition,
} from '@rrl/contracts';
import { LatencyHistogram } from './latency-histogram';
import { OutageTracker } from './outage-tracker';
import { PerSecondHistory } from './per-second-history';
import { SlidingWindow, type WindowSample } from './sliding-window';

/** The connection's fine error kinds folded into the coarse buckets. */
const REDIS_ERROR_BUCKET: Record<RedisErrorKind, MetricRedisErrorKind> = {
  refused: 'refused',
  reset: 'closed',
  closed: 'closed',
  timeout: 'timeout',
  'heartbeat-timeout': 'timeout',
  auth: 'auth',
  dns: 'other',
  tls: 'other',
  'stuck-reset': 'other',
  other: 'other',
};

/** A failed read whose error says the database could not answer. */
const DATABASE_ERROR_CODES = new Set<string>([ERROR_CODES.DATABASE_UNAVAILABLE, ERROR_CODES.STORES_UNAVAILABLE]);

/** The windows the snapshot reports; the ring keeps the longest. */
const WINDOWS_SECONDS = [10, 60] as const;

export interface RedisStateView {
  state: RedisConnectionState;
  attempt: number;
  endpoint: string;
  since: number | null;
}

/**
 * The one place that counts what happens in the app: fed by the read path, the Redis connection,
 * the breaker, the database, the chaos runner and the loop test (plain method calls, wired by the
 * app), read by the Prometheus exporter at scrape time and by snapshot(). recordRead() is on the hot
 * path: a few field increments and one histogram record, nothing allocated.
 */
export class MetricsRecorder {
  readonly totals = {
    readsRedis: 0,
    readsMysql: 0,
    readsNone: 0,
    hits: 0,
    misses: 0,
    negativeHits: 0,
    fallbacks: 0,
    failedReads: 0,
    breakerTransitions: 0,
    reconnectAttempts: 0,
    successfulReconnects: 0,
    databaseErrors: 0,
    loadtestIterations: 0,
    chaosRunsStarted: 0,
    liveClients: 0,
    liveClientsTerminated: 0,
  };
  readonly redisErrors: Record<MetricRedisErrorKind, number> = { timeout: 0, refused: 0, closed: 0, auth: 0, other: 0 };
  readonly latency: Record<MetricReadSource, LatencyHistogram> = {
    redis: new LatencyHistogram(),
    mysql: new LatencyHistogram(),
    none: new LatencyHistogram(),
  };
  /** Breaker transitions by the state entered. */
  readonly breakerTransitionsTo: Partial<Record<BreakerState, number>> = {};
  /** Finished chaos runs and loop tests by final status. */
  readonly chaosRunsEnded: Record<string, number> = {};
  readonly loadtestRunsEnded: Record<string, number> = {};
  readonly outages: OutageTracker;
  readonly redis: RedisStateView = { state: 'idle', attempt: 0, endpoint: '', since: null };
  readonly breaker: { state: BreakerState; since: number | null } = { state: 'closed', since: null };
  /** One point a second for the dashboard's windows (15 minutes, fixed size). */
  readonly history = new PerSecondHistory();
  private readonly window = new SlidingWindow(Math.max(...WINDOWS_SECONDS));
  private lastSample: WindowSample | null = null;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    // The breaker starts closed with the app: until its first transition it has been closed since then.
    this.breaker.since = this.startedAt;
    this.outages = new OutageTracker(now);
    this.sample();
  }

  /** Takes a window sample every second until stop(); unref'd so it never keeps a process alive. */
  start(): void {
    this.timer ??= setInterval(() => this.sample(), 1000).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // ---- feeds -------------------------------------------------------------------------------

  /** Hot path: one read's outcome (UserCacheService 'read'). */
  recordRead(o: ReadOutcome): void {
    const t = this.totals;
    if (o.source === 'redis') {
      t.readsRedis++;
      this.latency.redis.record(o.durationMs);
      if (this.outages.awaitingRecovery) this.outages.onRedisRead();
    } else if (o.source === 'mysql') {
      t.readsMysql++;
      this.latency.mysql.record(o.durationMs);
    } else {
      t.readsNone++;
      this.latency.none.record(o.durationMs);
    }
    if (!o.ok) {
      t.failedReads++;
      if (o.errorKind !== undefined && DATABASE_ERROR_CODES.has(o.errorKind)) t.databaseErrors++;
      if (o.cache === 'fallback') t.fallbacks++;
      return;
    }
    this.countCache(o.cache ?? this.inferCache(o.source));
  }

  redisTransition(t: RedisStateTransition): void {
    this.redis.state = t.to;
    this.redis.attempt = t.attempt;
    this.redis.since = Date.parse(t.at);
    if (t.to === 'ready' && (t.from === 'reconnecting' || t.from === 'auth-failed')) this.totals.successfulReconnects++;
    this.outages.onTransition(t);
  }

  /** The connection scheduled reconnect attempt `attempt`. */
  redisRetry(attempt: number): void {
    this.totals.reconnectAttempts++;
    this.redis.attempt = attempt;
  }

  redisError(kind: RedisErrorKind): void {
    this.redisErrors[REDIS_ERROR_BUCKET[kind] ?? 'other']++;
  }

  breakerTransition(t: BreakerTransition): void {
    this.breaker.state = t.to;
    this.breaker.since = Date.parse(t.at);
    this.totals.breakerTransitions++;
    this.breakerTransitionsTo[t.to] = (this.breakerTransitionsTo[t.to] ?? 0) + 1;
  }

  /** A database connection attempt or query failed outside a read (reads count their own). */
  databaseError(): void {
    this.totals.databaseErrors++;
  }

  chaosRunStarted(): void {
    this.totals.chaosRunsStarted++;
  }

  chaosRunEnded(status: string): void {
    this.chaosRunsEnded[status] = (this.chaosRunsEnded[status] ?? 0) + 1;
  }

  /** The loop test reports iterations in batches (not one call per iteration). */
  loadtestIterations(n: number): void {
    this.totals.loadtestIterations += n;
  }

  loadtestEnded(status: string): void {
    this.loadtestRunsEnded[status] = (this.loadtestRunsEnded[status] ?? 0) + 1;
  }

  /** WebSocket clients of the live feed: connected now, and terminated for reading too slowly. */
  liveClientConnected(): void {
    this.totals.liveClients++;
  }

  liveClientDisconnected(): void {
    this.totals.liveClients--;
  }

  liveClientTerminated(): void {
    this.totals.liveClientsTerminated++;
  }

  // ---- reading -----------------------------------------------------------------------------

  redisErrorTotal(): number {
    const e = this.redisErrors;
    return e.timeout + e.refused + e.closed + e.auth + e.other;
  }

  snapshot(): MetricsSnapshot {
    const now = this.now();
    const t = this.totals;
    const current = this.current(now, false);
    return {
      at: new Date(now).toISOString(),
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      totals: {
        reads: { redis: t.readsRedis, mysql: t.readsMysql, none: t.readsNone },
        hits: t.hits,
        misses: t.misses,
        negativeHits: t.negativeHits,
        fallbacks: t.fallbacks,
        failedReads: t.failedReads,
        redisErrors: { ...this.redisErrors },
        breakerTransitions: t.breakerTransitions,
        reconnectAttempts: t.reconnectAttempts,
        successfulReconnects: t.successfulReconnects,
        databaseErrors: t.databaseErrors,
        loadtestIterations: t.loadtestIterations,
        chaosRuns: t.chaosRunsStarted,
      },
      rates: { last10s: this.window.rates(current, 10), last60s: this.window.rates(current, 60) },
      latency: {
        redis: this.window.latency(current, 60, 0, this.latency.redis.maxMs),
        mysql: this.window.latency(current, 60, 1, this.latency.mysql.maxMs),
        none: this.window.latency(current, 60, 2, this.latency.none.maxMs),
      },
      redis: { state: this.redis.state, endpoint: this.redis.endpoint, attempt: this.redis.attempt, since: iso(this.redis.since) },
      breaker: { state: this.breaker.state, since: iso(this.breaker.since) },
      currentOutage: this.outages.currentOutage(),
      lastOutage: this.outages.lastOutage(),
    };
  }

  // ---- internals ---------------------------------------------------------------------------

  private countCache(cache: ReadCacheOutcome): void {
    if (cache === 'hit') this.totals.hits++;
    else if (cache === 'miss') this.totals.misses++;
    else if (cache === 'negative-hit') this.totals.negativeHits++;
    else this.totals.fallbacks++;
  }

  /**
   * For a cache that does not say what it did: a Redis answer is a hit (a negative hit looks the
   * same), a database answer a fallback while Redis is not ready or the breaker not closed, else a miss.
   */
  private inferCache(source: MetricReadSource): ReadCacheOutcome {
    if (source === 'redis') return 'hit';
    return this.redis.state === 'ready' && this.breaker.state === 'closed' ? 'miss' : 'fallback';
  }

  private sample(): void {
    const sample = this.current(this.now(), true);
    this.window.push(sample);
    const previous = this.lastSample;
    this.lastSample = sample;
    if (previous && sample.at > previous.at) this.recordSecond(previous, sample);
  }

  /** The second between two samples into the history: rates from the totals' difference, latency as snapshot() reports it. */
  private recordSecond(previous: WindowSample, sample: WindowSample): void {
    const elapsed = (sample.at - previous.at) / 1000;
    const rate = (key: 'readsRedis' | 'readsMysql' | 'readsNone') => Math.max(0, sample[key] - previous[key]) / elapsed;
    this.history.record({
      at: sample.at,
      readsPerSecond: { redis: rate('readsRedis'), mysql: rate('readsMysql'), none: rate('readsNone') },
      latency: {
        redis: this.window.latency(sample, 60, 0, this.latency.redis.maxMs),
        mysql: this.window.latency(sample, 60, 1, this.latency.mysql.maxMs),
        none: this.window.latency(sample, 60, 2, this.latency.none.maxMs),
      },
      redis: this.redis.state,
      breaker: this.breaker.state,
    });
  }

  /** The totals as a window sample; `copy` for the ring (a live one may share the histograms' arrays). */
  private current(at: number, copy: boolean): WindowSample {
    const t = this.totals;
    const counts = (h: LatencyHistogram) => (copy ? h.counts.slice() : h.counts);
    return {
      at,
      readsRedis: t.readsRedis,
      readsMysql: t.readsMysql,
      readsNone: t.readsNone,
      hits: t.hits + t.negativeHits,
      misses: t.misses,
      fallbacks: t.fallbacks,
      failed: t.failedReads,
      redisErrors: this.redisErrorTotal(),
      latency: [counts(this.latency.redis), counts(this.latency.mysql), counts(this.latency.none)],
    };
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
