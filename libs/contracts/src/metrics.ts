import type { BreakerState } from './cache';
import type { RedisConnectionState, RedisErrorKind } from './redis';

/** Where a read was answered, as counted by metrics ("none": no store could answer). */
export const METRIC_READ_SOURCES = ['redis', 'mysql', 'none'] as const;
export type MetricReadSource = (typeof METRIC_READ_SOURCES)[number];

/** Redis error kinds as metrics count them (the coarse buckets). */
export const METRIC_REDIS_ERROR_KINDS = ['timeout', 'refused', 'closed', 'auth', 'other'] as const;
export type MetricRedisErrorKind = (typeof METRIC_REDIS_ERROR_KINDS)[number];

/** Percentiles of a latency histogram, milliseconds; null without samples. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Counts over a sliding window, per second. */
export interface WindowRates {
  windowSeconds: number;
  readsPerSecond: number;
  readsPerSecondBySource: Record<MetricReadSource, number>;
  /** (hits + negative hits) / (hits + negative hits + misses) over the window (fallbacks excluded), null without lookups. */
  hitRate: number | null;
  /** Reads served by the database because Redis failed or the breaker was open / all reads. */
  fallbackRate: number | null;
  /** Failed reads / all reads. */
  errorRate: number | null;
  redisErrorsPerSecond: number;
}

export interface OutageSummary {
  /** ISO-8601. */
  startedAt: string;
  /** ISO-8601, null while it lasts. */
  endedAt: string | null;
  durationMs: number;
  /** Redis ready again → first read served from Redis (null while it lasts or before a Redis read). */
  timeToRecoverMs: number | null;
}

/** GET /api/metrics/snapshot and the `metrics` WebSocket message. */
export interface MetricsSnapshot {
  /** ISO-8601 time the snapshot was taken. */
  at: string;
  uptimeSeconds: number;
  totals: {
    reads: Record<MetricReadSource, number>;
    hits: number;
    misses: number;
    negativeHits: number;
    fallbacks: number;
    failedReads: number;
    redisErrors: Record<MetricRedisErrorKind, number>;
    breakerTransitions: number;
    reconnectAttempts: number;
    successfulReconnects: number;
    databaseErrors: number;
    loadtestIterations: number;
    chaosRuns: number;
  };
  rates: { last10s: WindowRates; last60s: WindowRates };
  /** Read latency per source over the last 60 s. */
  latency: Record<MetricReadSource, LatencySummary>;
  redis: { state: RedisConnectionState; endpoint: string; attempt: number; since: string | null };
  breaker: { state: BreakerState; since: string | null };
  /** The outage in progress, or null. */
  currentOutage: OutageSummary | null;
  /** The last outage that ended, or null. */
  lastOutage: OutageSummary | null;
}

/** Pushed on every Redis connection transition. */
export interface RedisStateEvent {
  at: string;
  from: RedisConnectionState;
  to: RedisConnectionState;
  attempt: number;
  /** Backoff before the next attempt, ms (only when reconnecting). */
  delayMs?: number;
  errorKind?: RedisErrorKind;
  message?: string;
  /** The node now serving (host:port), e.g. after a Sentinel switch. */
  endpoint?: string;
}

export interface BreakerStateEvent {
  at: string;
  from: BreakerState;
  to: BreakerState;
  reason: string;
}
