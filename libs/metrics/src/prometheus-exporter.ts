import {
  BREAKER_STATES,
  METRIC_READ_SOURCES,
  METRIC_REDIS_ERROR_KINDS,
  READ_CACHE_OUTCOMES,
  REDIS_STATES,
  type ReadCacheOutcome,
} from '@rrl/contracts';
import { collectDefaultMetrics, Counter, Gauge, type Metric, Registry } from 'prom-client';
import { cumulativeAt, type LatencyHistogram } from './latency-histogram';
import type { MetricsRecorder } from './metrics-recorder';

/** Prometheus's usual latency edges, seconds; each is an edge of LatencyHistogram, so counts are exact. */
const READ_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Outages and recoveries: from a blip to minutes. */
const OUTAGE_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const PREFIX = 'rrl_';
const CACHE_RESULT_LABEL: Record<ReadCacheOutcome, string> = {
  hit: 'hit',
  'negative-hit': 'negative_hit',
  miss: 'miss',
  fallback: 'fallback',
};

type Labels = Record<string, string>;
type Sample = { labels?: Labels; value: number };

/**
 * GET /metrics: Prometheus text exposition of the recorder, plus prom-client's default process
 * metrics. Nothing is observed through prom-client on the hot path: every metric here is read from
 * the recorder's plain fields when scraped (collect callbacks), and the histograms are exported from
 * the recorder's own fixed buckets.
 */
export class PrometheusExporter {
  readonly registry = new Registry();

  constructor(private readonly recorder: MetricsRecorder) {
    collectDefaultMetrics({ register: this.registry });
    const r = recorder;
    const t = r.totals;
    this.counter('reads_total', 'User reads by the store that answered (none: no store could).', ['source'], () => [
      { labels: { source: 'redis' }, value: t.readsRedis },
      { labels: { source: 'mysql' }, value: t.readsMysql },
      { labels: { source: 'none' }, value: t.readsNone },
    ]);
    const cacheCount: Record<ReadCacheOutcome, () => number> = {
      hit: () => t.hits,
      'negative-hit': () => t.negativeHits,
      miss: () => t.misses,
      fallback: () => t.fallbacks,
    };
    this.counter(
      'cache_lookups_total',
      'What the cache did per read: hit, negative_hit, miss (database filled it), fallback.',
      ['result'],
      () => READ_CACHE_OUTCOMES.map((c) => ({ labels: { result: CACHE_RESULT_LABEL[c] }, value: cacheCount[c]() })),
    );
    this.counter('read_failures_total', 'Reads that failed (5xx): no store could answer.', [], () => [{ value: t.failedReads }]);
    this.counter('redis_errors_total', 'Redis connection errors by kind.', ['kind'], () =>
      METRIC_REDIS_ERROR_KINDS.map((kind) => ({ labels: { kind }, value: r.redisErrors[kind] })),
    );
    this.counter('redis_reconnect_attempts_total', 'Reconnect attempts scheduled by the Redis client.', [], () => [
      { value: t.reconnectAttempts },
    ]);
    this.counter('redis_reconnects_total', 'Outages that ended with the Redis connection ready again.', [], () => [
      { value: t.successfulReconnects },
    ]);
    this.counter('breaker_transitions_total', 'Circuit breaker transitions by the state entered.', ['to'], () =>
      BREAKER_STATES.map((to) => ({ labels: { to }, value: r.breakerTransitionsTo[to] ?? 0 })),
    );
    this.counter('database_errors_total', 'Failed database connection attempts and reads the database could not answer.', [], () => [
      { value: t.databaseErrors },
    ]);
    this.counter('chaos_runs_started_total', 'Chaos scenario runs started.', [], () => [{ value: t.chaosRunsStarted }]);
    this.counter('chaos_runs_total', 'Chaos scenario runs ended, by final status.', ['status'], () => byStatus(r.chaosRunsEnded));
    this.counter('loadtest_iterations_total', 'Loop-test iterations done.', [], () => [{ value: t.loadtestIterations }]);
    this.counter('loadtest_runs_total', 'Loop tests ended, by final status.', ['status'], () => byStatus(r.loadtestRunsEnded));
    this.gauge('live_clients', 'WebSocket clients connected to /ws.', [], () => [{ value: t.liveClients }]);
    this.counter(
      'live_clients_terminated_total',
      'WebSocket clients terminated for reading too slowly (or not answering pings).',
      [],
      () => [{ value: t.liveClientsTerminated }],
    );
    this.gauge('redis_connection_state', 'The Redis connection state (1 for the current one).', ['state'], () =>
      REDIS_STATES.map((state) => ({ labels: { state }, value: r.redis.state === state ? 1 : 0 })),
    );
    this.gauge('breaker_state', 'The circuit breaker state (1 for the current one).', ['state'], () =>
      BREAKER_STATES.map((state) => ({ labels: { state }, value: r.breaker.state === state ? 1 : 0 })),
    );
    this.gauge('redis_current_outage_seconds', 'How long the Redis outage in progress has lasted (0 when none).', [], () => [
      { value: (r.outages.currentOutage()?.durationMs ?? 0) / 1000 },
    ]);
    this.gauge('redis_last_outage_seconds', 'Duration of the last Redis outage that ended.', [], () => {
      const last = r.outages.lastOutage();
      return last ? [{ value: last.durationMs / 1000 }] : [];
    });
    this.gauge('redis_last_time_to_recover_seconds', 'Redis ready again to the first read it served, for the last outage.', [], () => {
      const ttr = r.outages.lastOutage()?.timeToRecoverMs;
      return ttr === null || ttr === undefined ? [] : [{ value: ttr / 1000 }];
    });
    this.histogram('read_duration_seconds', 'User read latency by the store that answered.', READ_BUCKETS_SECONDS, () =>
      METRIC_READ_SOURCES.map((source) => ({ labels: { source }, histogram: r.latency[source] })),
    );
    this.histogram('redis_outage_duration_seconds', 'Redis outages: first failure to ready again.', OUTAGE_BUCKETS_SECONDS, () => [
      { labels: {}, histogram: r.outages.durations },
    ]);
    this.histogram('redis_time_to_recover_seconds', 'Redis ready again to the first read it served.', OUTAGE_BUCKETS_SECONDS, () => [
      { labels: {}, histogram: r.outages.recoveries },
    ]);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private counter(name: string, help: string, labelNames: string[], read: () => Sample[]): void {
    new Counter({
      ...this.registered(name, help, labelNames),
      collect() {
        this.reset();
        for (const s of read()) this.inc(s.labels ?? {}, s.value);
      },
    });
  }

  private gauge(name: string, help: string, labelNames: string[], read: () => Sample[]): void {
    new Gauge({
      ...this.registered(name, help, labelNames),
      collect() {
        this.reset();
        for (const s of read()) this.set(s.labels ?? {}, s.value);
      },
    });
  }

  /** A metric's name, help and labels, registered in this exporter's registry. */
  private registered(name: string, help: string, labelNames: string[]) {
    return { name: PREFIX + name, help, labelNames, registers: [this.registry] };
  }

  /**
   * prom-client's Histogram can only observe values one by one; this exports the recorder's bucket
   * counts as they are, through the object shape the registry reads (name, help, type, get()).
   */
  private histogram(name: string, help: string, bucketsSeconds: number[], read: () => { labels: Labels; histogram: LatencyHistogram }[]) {
    const fullName = PREFIX + name;
    const collector = {
      name: fullName,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          name: fullName,
          help,
          type: 'histogram',
          aggregator: 'sum',
          values: read().flatMap(({ labels, histogram }) => histogramValues(fullName, labels, bucketsSeconds, histogram)),
        }),
    };
    // The registry only calls name, type and get(); a structural stand-in for prom-client's Histogram class.
    this.registry.registerMetric(collector as unknown as Metric);
  }
}

function histogramValues(name: string, labels: Labels, bucketsSeconds: number[], h: LatencyHistogram) {
  const buckets = bucketsSeconds.map((le) => ({
    metricName: `${name}_bucket`,
    labels: { ...labels, le: String(le) },
    value: cumulativeAt(h.counts, le * 1000),
  }));
  return [
    ...buckets,
    { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count },
    { metricName: `${name}_sum`, labels, value: h.sumMs / 1000 },
    { metricName: `${name}_count`, labels, value: h.count },
  ];
}

function byStatus(counts: Record<string, number>): Sample[] {
  return Object.entries(counts).map(([status, value]) => ({ labels: { status }, value }));
}
