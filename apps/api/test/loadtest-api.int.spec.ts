import type { ApiErrorBody, LoadTestRequest, LoadTestRun } from '@rrl/contracts';
import { LoadTestService } from '@rrl/loadtest';
import { waitFor, type RedisServerProcess } from '@rrl/testing';
import { startRedisLab, type Lab, type RedisLab } from './support/lab';

const USERS = 500;
const request = (over: Partial<LoadTestRequest> = {}): LoadTestRequest => ({
  iterations: 1000,
  concurrency: 8,
  readRatio: 1,
  keys: { distribution: 'uniform', count: USERS },
  ...over,
});

describe('loop test API (real redis-server, real MariaDB)', () => {
  let env: RedisLab;
  let redis: RedisServerProcess;
  let lab: Lab;

  const run = async (id: string) => (await lab.get<LoadTestRun>(`/api/loadtests/${id}`)).body;
  const ended = (id: string, timeoutMs = 120_000) =>
    waitFor(`loop test ${id} ended`, async () => (await run(id)).status !== 'running', timeoutMs).then(() => run(id));

  beforeAll(async () => {
    env = await startRedisLab();
    ({ redis, lab } = env);
  }, 60_000);

  afterAll(() => env?.close());

  it('400 names each bad field', async () => {
    const res = await lab.send<ApiErrorBody>('POST', '/api/loadtests', {
      iterations: 0,
      concurrency: 1001,
      readRatio: 1.5,
      keys: { distribution: 'pareto', count: 0 },
      warmup: -1,
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details!.map((d) => d.field).sort()).toEqual(
      ['concurrency', 'extra', 'iterations', 'keys.count', 'keys.distribution', 'readRatio', 'warmup'].sort(),
    );
    const noKeys = await lab.send<ApiErrorBody>('POST', '/api/loadtests', { iterations: 1e9, concurrency: 1, readRatio: 0.5 });
    expect(noKeys.body.details!.map((d) => d.field).sort()).toEqual(['iterations', 'keys']);
  });

  it('says the keys are missing (400), or seeds them first when asked', async () => {
    const missing = await lab.send<ApiErrorBody>('POST', '/api/loadtests', request());
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ field: 'keys.count', problems: [expect.stringContaining(`${USERS} missing`)] }]);

    const started = await lab.send<LoadTestRun>('POST', '/api/loadtests', request({ seed: true, warmup: 200, readRatio: 0.8 }));
    expect(started.status).toBe(202);
    const done = await ended(started.body.id);
    expect(done.status).toBe('completed');
    expect(done.progress).toMatchObject({ done: 1000, total: 1000, failed: 0, successRate: 1 });
    // Warm-up iterations are not counted; reads and writes add up to the iterations.
    const { readsBySource, writes } = done.progress;
    expect(readsBySource.redis + readsBySource.mysql + writes).toBe(1000);
    expect(writes).toBeGreaterThan(0);
    expect(done.progress.latency.p50).toEqual(expect.any(Number));
  }, 120_000);

  it('409 while a run is in progress; cancel stops it and the run says so', async () => {
    const started = await lab.send<LoadTestRun>('POST', '/api/loadtests', request({ iterations: 100_000_000 }));
    expect(started.status).toBe(202);
    // The rate is measured once a second: the first tick shows it.
    await waitFor('a first progress tick', async () => (await run(started.body.id)).progress.ratePerSecond > 0);
    const second = await lab.send<ApiErrorBody & { runId: string }>('POST', '/api/loadtests', request());
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'RUN_IN_PROGRESS', runId: started.body.id });

    const live = await run(started.body.id);
    expect(live.progress.ratePerSecond).toBeGreaterThan(0);
    expect(live.progress.etaSeconds).toEqual(expect.any(Number));

    const cancelled = await lab.send<LoadTestRun>('POST', `/api/loadtests/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.progress.done).toBeLessThan(100_000_000);
    // Nothing runs after the answer: the stored result is the final count.
    expect((await run(started.body.id)).progress.done).toBe(cancelled.body.progress.done);
    expect((await lab.send('POST', `/api/loadtests/${started.body.id}/cancel`)).status).toBe(409);
    expect((await lab.get('/api/loadtests/no-such-run')).status).toBe(404);
  }, 60_000);

  it('a long loop through a Redis kill and restart: 100 % success, the outage and its recovery recorded', async () => {
    const progress: LoadTestRun[] = [];
    const service = lab.app.get(LoadTestService);
    const onProgress = (r: LoadTestRun) => progress.push(r);
    service.events.on('progress', onProgress);
    // More iterations than it will run: it is cancelled once Redis served again after the restart,
    // so the run's length is the conditions', not the machine's speed (a few thousand iterations a
    // second idle, a few hundred on a crowded 2-core runner).
    const started = await lab.send<LoadTestRun>(
      'POST',
      '/api/loadtests',
      request({ iterations: 100_000_000, concurrency: 32, readRatio: 0.95, seed: true }),
    );
    expect(started.status).toBe(202);
    const sources = async () => (await run(started.body.id)).progress.readsBySource;
    await waitFor('a first stretch served by Redis', async () => (await sources()).redis > 10_000, 240_000);
    const mysqlBefore = (await sources()).mysql;
    await redis.kill();
    await waitFor('reads served by MariaDB', async () => (await sources()).mysql > mysqlBefore + 1000, 120_000);
    await redis.start();
    const redisAtRestart = (await sources()).redis;
    await waitFor('a stretch served by Redis again', async () => (await sources()).redis > redisAtRestart + 10_000, 240_000);
    const cancelled = await lab.send<LoadTestRun>('POST', `/api/loadtests/${started.body.id}/cancel`);
    service.events.off('progress', onProgress);
    const done = cancelled.body;

    expect(done.status).toBe('cancelled');
    expect(done.progress).toMatchObject({ failed: 0, successRate: 1, errorsByKind: {} });
    expect(done.progress.done).toBeGreaterThan(20_000);
    // The kill is the longest outage; a starved machine can add short heartbeat-timeout ones, each recorded the same way.
    const outages = done.progress.outages;
    expect(outages.length).toBeGreaterThanOrEqual(1);
    for (const o of outages) expect(o.endedAt).not.toBeNull();
    const outage = outages.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    expect(outage.durationMs).toBeGreaterThan(0);
    expect(outage.timeToRecoverMs).toEqual(expect.any(Number));
    expect(outage.readsServedByMysql).toBeGreaterThan(1000);
    // Live progress was pushed while it ran, and the list shows the run.
    expect(progress.filter((p) => p.id === started.body.id).length).toBeGreaterThanOrEqual(2);
    const list = await lab.get<LoadTestRun[]>('/api/loadtests');
    expect(list.body.map((r) => r.id)).toContain(started.body.id);
  }, 700_000);
});
