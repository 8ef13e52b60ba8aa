import type { ApiErrorBody, ChaosTargetsResponse, RedisStatus } from '@rrl/contracts';
import { MariaDbProcess, RedisServerProcess, waitFor } from '@rrl/testing';
import { startLab, type Lab } from './support/lab';
import { auth, CHAOS_TOKEN, eventsOf, expectWithinRun, runUnderLoad, startScenario } from './support/chaos-lab';
import { createUsers, read } from './support/readers';

/** Ids nobody created, each read once: only the database can answer (404), so they fail while it is down. */
const UNCACHED = Array.from({ length: 5000 }, (_, i) => 900_000 + i);

describe('MySQL outage and both stores down through the chaos API (real MariaDB and redis-server as targets)', () => {
  let redis: RedisServerProcess;
  let maria: MariaDbProcess;
  let lab: Lab;
  let redisTarget: string;
  let mysqlTarget: string;
  let ids: number[];

  beforeAll(async () => {
    [redis, maria] = await Promise.all([RedisServerProcess.start(), MariaDbProcess.start()]);
    lab = await startLab({
      redis: { port: redis.port },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
      targets: [
        { process: redis, kind: 'redis' },
        { process: maria, kind: 'mysql' },
      ],
      overrides: { chaos: { token: CHAOS_TOKEN, recoveryTimeoutMs: 20_000 } },
    });
    await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
    ids = await createUsers(lab, 10, 'mysql');
    await lab.send('POST', '/api/cache/warm', {});
    redisTarget = `process:${redis.options.name}`;
    mysqlTarget = `process:${maria.options.name}`;
  }, 90_000);

  afterAll(async () => {
    await lab?.close();
    await redis?.stop();
    await maria?.stop();
  });

  it('lists the MariaDB process as a mysql target; a Redis-only scenario refuses it', async () => {
    const { body } = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(body.targets).toContainEqual(expect.objectContaining({ id: mysqlTarget, kind: 'mysql', state: 'running' }));
    const res = await startScenario(lab, 'auth-failure', { target: mysqlTarget });
    expect(res.status).toBe(400);
    expect((res.body as unknown as ApiErrorBody).message).toMatch(/needs redis.*is mysql/);
    const swapped = await startScenario(lab, 'both-down', { target: redisTarget, mysqlTarget: redisTarget });
    expect(swapped.status).toBe(400);
    expect((swapped.body as unknown as ApiErrorBody).details?.[0].field).toBe('mysqlTarget');
  });

  it('mysql-outage: cached users are still served, the rest get a clear 503, the API survives and recovers', async () => {
    const { run, outcomes } = await runUnderLoad(
      lab,
      UNCACHED.flatMap((u, i) => [ids[i % ids.length], u]),
      'mysql-outage',
      { target: mysqlTarget, durationMs: 2000 },
    );
    expect(run).toMatchObject({ status: 'completed', error: null, targets: [mysqlTarget] });
    const cached = outcomes.filter((o) => o.source !== undefined || o.status === 200);
    expect(cached.every((o) => o.status === 200 && o.source === 'redis')).toBe(true);
    const failed = outcomes.filter((o) => o.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((o) => `${o.status} ${o.code}`))).toEqual(new Set(['503 DATABASE_UNAVAILABLE']));
    expect(run.metrics.readErrorsByKind.DATABASE_UNAVAILABLE).toBeGreaterThan(0);
    expect(run.metrics.timeToDetectMs).toBeGreaterThan(0);
    expectWithinRun(run, { timeToDetectMs: run.metrics.timeToDetectMs, timeToRecoverMs: run.metrics.timeToRecoverMs });
    expect(eventsOf(run, 'app-reconnected')).toEqual([expect.objectContaining({ data: { store: 'mysql' } })]);
    expect(maria.state).toBe('running');
    expect((await lab.get('/health')).status).toBe(200);
    await waitFor('unknown ids answered (404) again', async () => (await read(lab, 999_999)).status === 404, 20_000);
    console.log(
      `mysql-outage: detect ${run.metrics.timeToDetectMs} ms, recover ${run.metrics.timeToRecoverMs} ms, errors ${JSON.stringify(run.metrics.readErrorsByKind)}`,
    );
  }, 90_000);

  it('both-down: every read is a 503 STORES_UNAVAILABLE (nothing stale), the API survives, both come back', async () => {
    const { run, outcomes } = await runUnderLoad(lab, ids, 'both-down', { target: redisTarget, mysqlTarget, durationMs: 2000 });
    expect(run).toMatchObject({ status: 'completed', error: null, targets: [redisTarget, mysqlTarget] });
    const failed = outcomes.filter((o) => o.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((o) => `${o.status} ${o.code}`))).toEqual(new Set(['503 STORES_UNAVAILABLE']));
    expect(run.metrics.readErrorsByKind.STORES_UNAVAILABLE).toBeGreaterThan(0);
    expect(run.metrics.timeToDetectMs).toBeGreaterThan(0);
    expect(run.metrics.timeToRecoverMs).toBeGreaterThan(0);
    expectWithinRun(run, { timeToDetectMs: run.metrics.timeToDetectMs, timeToRecoverMs: run.metrics.timeToRecoverMs });
    expect([redis.state, maria.state]).toEqual(['running', 'running']);
    expect((await lab.get('/health')).status).toBe(200);
    await waitFor('served from Redis again', async () => (await read(lab, ids[0])).source === 'redis', 20_000);
    console.log(
      `both-down: detect ${run.metrics.timeToDetectMs} ms, recover ${run.metrics.timeToRecoverMs} ms, errors ${JSON.stringify(run.metrics.readErrorsByKind)}`,
    );
  }, 90_000);
});
