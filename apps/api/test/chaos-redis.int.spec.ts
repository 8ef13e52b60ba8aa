import type { ChaosTargetsResponse } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import type { Lab } from './support/lab';
import { auth, eventsOf, expectWithinRun, runUnderLoad, startRedisChaosLab, type RedisChaosLab } from './support/chaos-lab';
import { read } from './support/readers';

/**
 * Each Redis scenario through the HTTP API, while concurrent readers run: no read fails while MySQL
 * is up, the report says when the app noticed and when it read from Redis again, and the target is
 * back afterwards.
 */
describe('chaos scenarios on a local redis-server through the API (real redis-server, real MariaDB, fault proxy)', () => {
  let env: RedisChaosLab;
  let lab: Lab;
  let target: string;
  let ids: number[];

  beforeAll(async () => {
    env = await startRedisChaosLab({
      users: 20,
      tag: 'chaos',
      overrides: { chaos: { proxy: { enabled: true, listenPort: 0 }, recoveryTimeoutMs: 15_000 } },
    });
    ({ lab, target, ids } = env);
  }, 60_000);

  afterAll(() => env?.close());

  /** What every scenario must leave behind: the target running and reads served from Redis. */
  async function expectRestored(): Promise<void> {
    const { body } = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(body.targets.find((t) => t.id === target)?.state).toBe('running');
    expect(body.proxy?.toxics).toEqual([]);
    await waitFor('served from Redis', async () => (await read(lab, ids[0])).source === 'redis', 10_000);
  }

  it('lists the process target and the proxy; Docker is reported, never a 500', async () => {
    const res = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(res.status).toBe(200);
    expect(res.body.targets).toContainEqual(expect.objectContaining({ id: target, kind: 'redis', driver: 'process', state: 'running' }));
    expect(res.body.drivers.map((d) => d.name).sort()).toEqual(['docker', 'process']);
    expect(res.body.proxy).toMatchObject({ listening: true, upstream: { port: env.redis.port } });
  });

  it.each([
    ['crash', { downtimeMs: 1500 }],
    ['stop-start', { downtimeMs: 1500 }],
    ['restart', { downtimeMs: 1500 }],
    ['pause', { durationMs: 1500 }],
    ['partition', { durationMs: 1500 }],
    ['latency', { durationMs: 1500, latencyMs: 700, jitterMs: 100 }],
  ])(
    '%s: zero failed reads, detect and recover times plausible, target restored',
    async (name, params) => {
      const { run, outcomes } = await runUnderLoad(lab, ids, name, { target, ...params });
      expect(run).toMatchObject({ status: 'completed', error: null, targets: [target] });
      expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
      expect(outcomes.some((o) => o.source === 'mysql')).toBe(true); // the fault was felt
      const { timeToDetectMs, timeToRecoverMs } = run.metrics;
      expect(timeToDetectMs).toBeGreaterThan(0);
      expect(timeToRecoverMs).toBeGreaterThan(0);
      expectWithinRun(run, { timeToDetectMs, timeToRecoverMs });
      expect(run.metrics.reads.failed).toBe(0);
      expect(run.metrics.reads.redis).toBeGreaterThan(0);
      expect(run.metrics.latencyMs.p99).toEqual(expect.any(Number));
      expect(eventsOf(run, 'action')).toHaveLength(1);
      expect(eventsOf(run, 'target-back')).toHaveLength(1);
      expect(eventsOf(run, 'first-redis-read')).toHaveLength(1);
      await expectRestored();
      console.log(
        `${name}: detect ${timeToDetectMs} ms, recover ${timeToRecoverMs} ms, reads ${JSON.stringify(run.metrics.reads)}, p99 ${run.metrics.latencyMs.p99} ms`,
      );
    },
    60_000,
  );

  it('restart records every reconnect attempt with its backoff delay', async () => {
    const { run } = await runUnderLoad(lab, ids, 'restart', { target, downtimeMs: 2000 });
    const attempts = eventsOf(run, 'reconnect-attempt');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(run.metrics.reconnectAttempts).toBe(attempts.length);
    expect(attempts.every((a) => typeof a.data?.delayMs === 'number' && typeof a.data?.attempt === 'number')).toBe(true);
    const states = eventsOf(run, 'redis-state').map((e) => e.data?.to);
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'ready']));
    expect(eventsOf(run, 'app-reconnected').length).toBeGreaterThanOrEqual(1);
    await expectRestored();
  }, 60_000);
});
