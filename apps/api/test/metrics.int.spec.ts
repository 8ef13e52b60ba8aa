import type { MetricsSnapshot } from '@rrl/contracts';
import { waitFor, type RedisServerProcess } from '@rrl/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createUsers, read } from './support/readers';
import { startRedisLab, type Lab, type RedisLab } from './support/lab';

describe('metrics: GET /metrics and /api/metrics/snapshot after real traffic (real redis-server, real MariaDB)', () => {
  let env: RedisLab;
  let redis: RedisServerProcess;
  let lab: Lab;
  let ids: number[];

  const snapshot = async () => (await lab.get<MetricsSnapshot>('/api/metrics/snapshot')).body;
  const prometheus = async () => {
    const res = await fetch(`${lab.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, families: parsePrometheusTextFormat(text) };
  };

  beforeAll(async () => {
    env = await startRedisLab();
    ({ redis, lab } = env);
    ids = await createUsers(lab, 20, 'metrics');
  }, 60_000);

  afterAll(() => env?.close());

  it('counts a known workload: totals, hit rate and rates over the last 10 s', async () => {
    // Let the 10 s window hold only this workload: setup reads are older than it.
    await waitFor('setup older than the 10 s window', async () => (await snapshot()).uptimeSeconds >= 12, 30_000, 250);
    const before = await snapshot();
    expect((await lab.send('DELETE', '/api/cache')).status).toBe(200);
    for (const id of ids) expect((await read(lab, id)).source).toBe('mysql'); // 20 misses (each fills Redis)
    for (let round = 0; round < 3; round++) for (const id of ids) expect((await read(lab, id)).source).toBe('redis'); // 60 hits
    const after = await snapshot();

    expect(after.totals.reads.redis - before.totals.reads.redis).toBe(60);
    expect(after.totals.reads.mysql - before.totals.reads.mysql).toBe(20);
    expect(after.totals.hits - before.totals.hits).toBe(60);
    expect(after.totals.misses - before.totals.misses).toBe(20);
    expect(after.totals.fallbacks).toBe(0);
    expect(after.totals.failedReads).toBe(0);

    const w = after.rates.last10s;
    expect(w.windowSeconds).toBe(10);
    expect(w.hitRate).toBe(0.75);
    expect(w.fallbackRate).toBe(0);
    expect(w.errorRate).toBe(0);
    // 80 reads over a window that is 10 s long, give or take the sampling second.
    expect(w.readsPerSecond).toBeGreaterThanOrEqual(80 / 11.5);
    expect(w.readsPerSecond).toBeLessThanOrEqual(80 / 9.5);
    expect(w.readsPerSecondBySource.redis / w.readsPerSecond).toBeCloseTo(0.75, 2);
    // The 60 s window is the whole uptime here: every read since boot.
    const all = after.totals.reads.redis + after.totals.reads.mysql + after.totals.reads.none;
    expect(after.rates.last60s.readsPerSecond).toBeGreaterThanOrEqual(all / (after.uptimeSeconds + 1.5));
    expect(after.rates.last60s.readsPerSecond).toBeLessThanOrEqual(all / (after.uptimeSeconds - 1.5));

    expect(after.latency.redis.count).toBeGreaterThanOrEqual(60);
    expect(after.latency.redis.p50).toBeGreaterThan(0);
    expect(after.latency.redis.p99).toBeGreaterThanOrEqual(after.latency.redis.p50!);
    expect(after.latency.mysql.p50).toBeGreaterThan(0);
    expect(after.redis.state).toBe('ready');
    expect(after.breaker.state).toBe('closed');
  }, 60_000);

  it('records a Redis outage: state, errors by kind, reconnects, fallbacks, duration and time to recover', async () => {
    await redis.kill();
    await waitFor('outage seen', async () => (await snapshot()).currentOutage);
    const during = await snapshot();
    expect(['reconnecting', 'connecting']).toContain(during.redis.state);
    for (const id of ids.slice(0, 5)) expect((await read(lab, id)).source).toBe('mysql');
    await redis.start();
    await waitFor('served by Redis again', async () => (await read(lab, ids[0])).source === 'redis', 20_000);

    const after = await snapshot();
    expect(after.currentOutage).toBeNull();
    expect(after.lastOutage!.durationMs).toBeGreaterThan(0);
    expect(after.lastOutage!.timeToRecoverMs).not.toBeNull();
    expect(after.totals.fallbacks).toBeGreaterThanOrEqual(5);
    expect(after.totals.reconnectAttempts).toBeGreaterThanOrEqual(1);
    expect(after.totals.successfulReconnects).toBe(1);
    expect(after.totals.redisErrors.refused + after.totals.redisErrors.closed).toBeGreaterThanOrEqual(1);

    const { text, families } = await prometheus();
    const family = (name: string) => {
      const f = families.find((m) => m.name === name);
      if (!f) throw new Error(`${name} missing from /metrics`);
      return f;
    };
    const value = (name: string, labels: Record<string, string> = {}) =>
      Number(family(name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value);

    const now = await snapshot();
    expect(family('rrl_reads_total').type).toBe('COUNTER');
    expect(value('rrl_reads_total', { source: 'redis' })).toBe(now.totals.reads.redis);
    expect(value('rrl_reads_total', { source: 'mysql' })).toBe(now.totals.reads.mysql);
    expect(value('rrl_cache_lookups_total', { result: 'fallback' })).toBe(now.totals.fallbacks);
    expect(value('rrl_redis_reconnects_total')).toBe(1);
    expect(value('rrl_redis_connection_state', { state: 'ready' })).toBe(1);
    expect(value('rrl_breaker_state', { state: 'closed' })).toBe(1);

    // The parser folds a labelled histogram's series into one; the per-source series are checked in the text.
    const latency = family('rrl_read_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    expect(Object.keys(latency.metrics[0].buckets!)).toContain('+Inf');
    const series = (suffix: string, labels: string) =>
      Number(new RegExp(`^rrl_read_duration_seconds_${suffix}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(series('count', 'source="redis"')).toBe(now.totals.reads.redis);
    expect(series('bucket', 'source="redis",le="\\+Inf"')).toBe(now.totals.reads.redis);
    const cumulative = [...text.matchAll(/^rrl_read_duration_seconds_bucket\{source="mysql",le="[^"]+"\} (\S+)$/gm)].map((m) =>
      Number(m[1]),
    );
    expect(cumulative.length).toBeGreaterThan(10);
    expect(cumulative).toEqual([...cumulative].sort((a, b) => a - b));
    expect(cumulative[cumulative.length - 1]).toBe(now.totals.reads.mysql);
    const outages = family('rrl_redis_outage_duration_seconds').metrics[0];
    expect(Number(outages.count)).toBe(1);
    expect(Number(outages.sum)).toBeCloseTo(after.lastOutage!.durationMs / 1000, 2);
    // prom-client's default process metrics.
    expect(family('process_resident_memory_bytes').type).toBe('GAUGE');
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
  }, 60_000);
});
