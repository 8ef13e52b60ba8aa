import type { LatencySummary, MetricReadSource, OutageSummary } from './metrics';

export const KEY_DISTRIBUTIONS = ['uniform', 'zipf'] as const;
export type KeyDistribution = (typeof KEY_DISTRIBUTIONS)[number];

/**
 * What one loop test may ask for, checked by the API's validation, the CLI and the dashboard's form:
 * 100 million iterations (hours at the in-process rate) over at most as many users, 1000 in flight.
 */
export const LOADTEST_LIMITS = { maxIterations: 100_000_000, maxKeys: 100_000_000, maxConcurrency: 1000 } as const;

/** POST /api/loadtests body. */
export interface LoadTestRequest {
  /** 1 … LOADTEST_LIMITS.maxIterations */
  iterations: number;
  /** 1 … LOADTEST_LIMITS.maxConcurrency */
  concurrency: number;
  /** 0 … 1; the rest are writes. */
  readRatio: number;
  keys: { distribution: KeyDistribution; count: number };
  /** Iterations run first and not counted. */
  warmup?: number;
  /** Insert the users the run needs when the database has fewer than keys.count. */
  seed?: boolean;
}

export const LOADTEST_STATUSES = ['running', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export type LoadTestStatus = (typeof LOADTEST_STATUSES)[number];

/** An outage of Redis the run lived through. */
export interface LoadTestOutage extends OutageSummary {
  /** Reads the database answered during it. */
  readsServedByMysql: number;
}

export interface LoadTestProgress {
  done: number;
  total: number;
  /** Iterations per second over the last second, and since the start. */
  ratePerSecond: number;
  averageRatePerSecond: number;
  /** Seconds, null before a rate is known. */
  etaSeconds: number | null;
  succeeded: number;
  failed: number;
  /** succeeded / done, 1 before the first. */
  successRate: number;
  readsBySource: Record<MetricReadSource, number>;
  writes: number;
  /** Failed iterations by error code or kind. */
  errorsByKind: Record<string, number>;
  latency: LatencySummary;
  outages: LoadTestOutage[];
}

/** seeding: inserting missing users (seed: true); warmup: uncounted iterations; measuring: counted ones. */
export const LOADTEST_PHASES = ['seeding', 'warmup', 'measuring', 'done'] as const;
export type LoadTestPhase = (typeof LOADTEST_PHASES)[number];

export interface LoadTestRun {
  id: string;
  request: LoadTestRequest;
  status: LoadTestStatus;
  phase: LoadTestPhase;
  /** ISO-8601. */
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  progress: LoadTestProgress;
}
