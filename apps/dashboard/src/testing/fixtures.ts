import type { ChaosRun, HelloData, LoadTestRun, MetricsSnapshot, RedisConnectionState } from '@rrl/contracts';

const zeroRates = (windowSeconds: number) => ({
  windowSeconds,
  readsPerSecond: 0,
  readsPerSecondBySource: { redis: 0, mysql: 0, none: 0 },
  hitRate: null,
  fallbackRate: null,
  errorRate: null,
  redisErrorsPerSecond: 0,
});
const noLatency = { count: 0, p50: null, p95: null, p99: null, max: null };

/** A metrics snapshot as the API sends it, with the fields a test cares about overridden. */
export function snapshot(
  at: string,
  opts: { redis?: RedisConnectionState; reads?: { redis: number; mysql: number; none: number }; breaker?: 'closed' | 'open' } = {},
): MetricsSnapshot {
  return {
    at,
    uptimeSeconds: 10,
    totals: {
      reads: opts.reads ?? { redis: 0, mysql: 0, none: 0 },
      hits: 0,
      misses: 0,
      negativeHits: 0,
      fallbacks: 0,
      failedReads: 0,
      redisErrors: { timeout: 0, refused: 0, closed: 0, auth: 0, other: 0 },
      breakerTransitions: 0,
      reconnectAttempts: 0,
      successfulReconnects: 0,
      databaseErrors: 0,
      loadtestIterations: 0,
      chaosRuns: 0,
    },
    rates: { last10s: zeroRates(10), last60s: zeroRates(60) },
    latency: { redis: { ...noLatency, count: 1, p50: 0.4, p99: 1.2 }, mysql: noLatency, none: noLatency },
    redis: { state: opts.redis ?? 'ready', endpoint: '127.0.0.1:6390', attempt: 0, since: at },
    breaker: { state: opts.breaker ?? 'closed', since: at },
    currentOutage: null,
    lastOutage: null,
  };
}

export function hello(at: string, opts: { redis?: RedisConnectionState; chaosRun?: ChaosRun | null } = {}): HelloData {
  const metrics = snapshot(at, { redis: opts.redis });
  return {
    at,
    redis: {
      state: opts.redis ?? 'ready',
      attempt: 0,
      endpoint: '127.0.0.1:6390',
      node: '127.0.0.1:6390',
      stuck: false,
      lastError: null,
      stats: {
        attempts: 0,
        successfulReconnects: 0,
        reconnectSuccessRate: 1,
        currentOutageMs: null,
        lastRecoveryMs: null,
        lastReadyAt: at,
        forcedResets: 0,
        nodeSwitches: 0,
        lastNodeSwitchAt: null,
      },
    },
    breaker: { state: 'closed', since: at },
    metrics,
    chaosRun: opts.chaosRun ?? null,
    loadtest: null,
    logTargets: ['process:redis-6390'],
  };
}

export function chaosRun(overrides: Partial<ChaosRun> = {}): ChaosRun {
  return {
    id: 'run-1',
    scenario: 'restart',
    params: { target: 'process:redis-6390', downtimeMs: 45_000 },
    targets: ['process:redis-6390'],
    status: 'running',
    phase: 'holding',
    startedAt: '2026-11-29T12:00:00.000Z',
    endedAt: null,
    error: null,
    timeline: [{ at: '2026-11-29T12:00:00.100Z', offsetMs: 100, type: 'action', message: 'restart issued' }],
    metrics: {
      reads: { total: 10, redis: 4, mysql: 6, none: 0, failed: 0 },
      readErrorsByKind: {},
      redisErrorsByKind: { refused: 3 },
      latencyMs: { p50: 1, p99: 4, max: 9 },
      reconnectAttempts: 3,
      timeToDetectMs: 5,
      timeToRecoverMs: 1200,
    },
    ...overrides,
  };
}

export function loadTestRun(overrides: Partial<LoadTestRun['progress']> = {}, status: LoadTestRun['status'] = 'running'): LoadTestRun {
  return {
    id: 'lt-1',
    request: { iterations: 1000, concurrency: 8, readRatio: 0.9, keys: { distribution: 'uniform', count: 100 } },
    status,
    phase: status === 'running' ? 'measuring' : 'done',
    startedAt: '2026-11-29T12:00:00.000Z',
    endedAt: status === 'running' ? null : '2026-11-29T12:00:10.000Z',
    error: null,
    progress: {
      done: 250,
      total: 1000,
      ratePerSecond: 100,
      averageRatePerSecond: 90,
      etaSeconds: 8,
      succeeded: 250,
      failed: 0,
      successRate: 1,
      readsBySource: { redis: 200, mysql: 25, none: 0 },
      writes: 25,
      errorsByKind: {},
      latency: { count: 250, p50: 0.5, p95: 1, p99: 2, max: 5 },
      outages: [],
      ...overrides,
    },
  };
}
