import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChaosAccess } from '@rrl/chaos/nest';
import {
  SCENARIO_NAMES,
  type ApiErrorBody,
  type ChaosRun,
  type ChaosTargetsResponse,
  type LogLine,
  type RedisStatus,
  type ScenarioInfo,
} from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor } from '@rrl/testing';
import { Redis } from 'ioredis';
import { startLab, type Lab } from './support/lab';
import {
  auth,
  CHAOS_TOKEN,
  eventsOf,
  expectWithinRun,
  runUnderLoad,
  startRedisChaosLab,
  startScenario,
  type RedisChaosLab,
} from './support/chaos-lab';
import { createUsers } from './support/readers';

const APP_PASSWORD = 'app-secret-pw-4242';

describe('chaos API: auth, validation, one run at a time, cancel, logs, auth failure', () => {
  let env: RedisChaosLab;
  let redis: RedisServerProcess;
  let lab: Lab;
  let target: string;
  let ids: number[];

  beforeAll(async () => {
    env = await startRedisChaosLab({
      users: 10,
      tag: 'api',
      password: APP_PASSWORD,
      // No engine behind this socket: the Docker driver must be reported unavailable, not fail the API.
      overrides: { chaos: { docker: { socketPath: '/nonexistent/docker.sock', host: null } } },
    });
    ({ redis, lab, target, ids } = env);
  }, 60_000);

  afterAll(() => env?.close());

  it('are documented in OpenAPI with bearer auth', async () => {
    const { body } = await lab.get<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>('/docs-json');
    for (const p of [
      '/api/chaos/targets',
      '/api/chaos/scenarios',
      '/api/chaos/scenarios/{name}',
      '/api/chaos/runs',
      '/api/chaos/runs/{id}',
      '/api/chaos/runs/{id}/cancel',
      '/api/chaos/targets/{id}/logs',
    ]) {
      const ops = Object.values(body.paths[p] ?? {});
      expect({ p, documented: ops.length > 0, bearer: ops.every((o) => JSON.stringify(o.security) === '[{"bearer":[]}]') }).toEqual({
        p,
        documented: true,
        bearer: true,
      });
    }
  });

  it('lists every scenario with its parameters, defaults and bounds', async () => {
    const { status, body } = await lab.send<ScenarioInfo[]>('GET', '/api/chaos/scenarios', undefined, auth);
    expect(status).toBe(200);
    expect(body.map((s) => s.name)).toEqual(SCENARIO_NAMES);
    // The failovers act on whichever node Sentinel names master: no target is required.
    const failover = body.find((s) => s.name === 'failover')!;
    expect(failover.parameters.required ?? []).not.toContain('target');
    expect(failover.parameters).toMatchObject({ properties: { downtimeMs: { default: 5000 }, promotionTimeoutMs: { default: 30_000 } } });
    const restart = body.find((s) => s.name === 'restart')!;
    expect(restart.parameters).toMatchObject({
      required: ['target'],
      properties: { downtimeMs: { default: 45_000, maximum: lab.config.chaos.maxDurationMs } },
    });
    expect(body.find((s) => s.name === 'latency')!.parameters).toMatchObject({
      properties: { latencyMs: { default: 500 }, jitterMs: { default: 100 } },
    });
  });

  it('reports a missing Docker engine as an unavailable driver, not a 500', async () => {
    const res = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(res.status).toBe(200);
    expect(res.body.drivers).toContainEqual({
      name: 'docker',
      available: false,
      error: expect.stringContaining('Docker engine unreachable'),
    });
    expect(res.body.targets).toContainEqual(expect.objectContaining({ id: target, driver: 'process' }));
    const scenario = await startScenario(lab, 'crash', { target: 'docker:rrl-anything' });
    expect(scenario).toMatchObject({ status: 503, body: { code: 'CHAOS_DRIVER_UNAVAILABLE' } });
  });

  it('401 JSON without the token or with a wrong one; 200 with it', async () => {
    const none = await lab.send<ApiErrorBody>('GET', '/api/chaos/targets', undefined, { authorization: '' });
    expect(none).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    const wrong = await lab.send<ApiErrorBody>('POST', '/api/chaos/scenarios/crash', { target }, { authorization: 'Bearer nope' });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', message: 'wrong chaos token' } });
    expect((await lab.send('GET', '/api/chaos/targets', undefined, auth)).status).toBe(200);
    const { body: redisState } = await lab.get<RedisStatus>('/api/redis/status');
    expect(redisState.state).toBe('ready'); // the refused start touched nothing
  });

  it('rejects bad requests with the field named: unknown scenario 404, bad or unknown parameter 400, unknown target 404, wrong kind 400, no proxy 400', async () => {
    const cases: [string, unknown, number, string, RegExp][] = [
      ['meteor', { target }, 404, 'NOT_FOUND', /unknown scenario 'meteor'.*crash/],
      ['crash', { target, downtimeMs: -5 }, 400, 'VALIDATION_FAILED', /downtimeMs/],
      ['pause', { target, durationMs: 'long' }, 400, 'VALIDATION_FAILED', /durationMs/],
      ['pause', { target, durationMs: 10 ** 9 }, 400, 'VALIDATION_FAILED', /durationMs/],
      ['crash', { target, colour: 'red' }, 400, 'VALIDATION_FAILED', /colour is not a parameter/],
      ['crash', {}, 400, 'VALIDATION_FAILED', /target/],
      ['latency', { target, latencyMs: 100, jitterMs: 200 }, 400, 'VALIDATION_FAILED', /jitterMs must not exceed latencyMs/],
      ['crash', { target: 'process:redis-1' }, 404, 'TARGET_NOT_FOUND', /no chaos target 'process:redis-1'/],
      ['crash', { target: 'redis-1' }, 404, 'TARGET_NOT_FOUND', /<driver>:<name>/],
      ['mysql-outage', { target }, 400, 'VALIDATION_FAILED', /needs mysql for 'target'.*is redis/],
      ['latency', { target }, 400, 'VALIDATION_FAILED', /CHAOS_PROXY_ENABLED=true/],
      ['partition', { target }, 400, 'VALIDATION_FAILED', /CHAOS_PROXY_ENABLED=true.*docker network disconnect/],
      ['failover', {}, 400, 'VALIDATION_FAILED', /needs the app to reach Redis through Sentinel \(REDIS_SENTINELS\)/],
      ['manual-failover', {}, 400, 'VALIDATION_FAILED', /needs the app to reach Redis through Sentinel/],
      ['failover-pause', { target, durationMs: 10, colour: 1 }, 400, 'VALIDATION_FAILED', /colour is not a parameter/],
    ];
    for (const [name, body, status, code, message] of cases) {
      const res = await startScenario(lab, name, body);
      expect({ name, body, status: res.status, code: (res.body as unknown as ApiErrorBody).code }).toEqual({ name, body, status, code });
      expect((res.body as unknown as ApiErrorBody).message).toMatch(message);
    }
    const bad = (await startScenario(lab, 'crash', { target, downtimeMs: -5 })).body as unknown as ApiErrorBody;
    expect(bad.details).toEqual([{ field: 'downtimeMs', problems: [expect.any(String)] }]);
    expect((await lab.send<ChaosRun[]>('GET', '/api/chaos/runs', undefined, auth)).body).toEqual([]); // nothing started
  });

  it('one run at a time: a second start gets 409 with the running id; the run is readable while it runs; cancel restores early', async () => {
    const started = await startScenario(lab, 'pause', { target, durationMs: 30_000 });
    expect(started).toMatchObject({
      status: 202,
      body: { status: 'running', scenario: 'pause', targets: [target], params: { target, durationMs: 30_000 } },
    });
    const id = started.body.id;
    await waitFor(
      'holding',
      async () => (await lab.send<ChaosRun>('GET', `/api/chaos/runs/${id}`, undefined, auth)).body.phase === 'holding',
    );
    expect(redis.state).toBe('paused');

    const second = await startScenario(lab, 'crash', { target });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'RUN_IN_PROGRESS', runId: id });
    expect((second.body as unknown as ApiErrorBody).message).toContain(id);

    const live = (await lab.send<ChaosRun>('GET', `/api/chaos/runs/${id}`, undefined, auth)).body;
    expect(live).toMatchObject({ status: 'running', endedAt: null });
    expect(eventsOf(live, 'action')).toHaveLength(1);
    expect((await lab.send<ChaosRun[]>('GET', '/api/chaos/runs', undefined, auth)).body[0].id).toBe(id);

    const t0 = Date.now();
    const cancelled = await lab.send<ChaosRun>('POST', `/api/chaos/runs/${id}/cancel`, undefined, auth);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', phase: 'done' } });
    // "Cancel restores early": the 30 s pause ends on the cancel's answer, not when its duration runs out.
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(eventsOf(cancelled.body, 'cancelled')).toHaveLength(1);
    expect(eventsOf(cancelled.body, 'target-back')).toHaveLength(1);
    expect(redis.state).toBe('running');
    await waitFor('redis ready again', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready', 10_000);

    const again = await lab.send<ApiErrorBody>('POST', `/api/chaos/runs/${id}/cancel`, undefined, auth);
    expect(again).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect((await lab.send<ApiErrorBody>('GET', '/api/chaos/runs/nope', undefined, auth)).status).toBe(404);
  }, 60_000);

  it('auth failure: the app goes auth-failed, reads keep succeeding, it recovers, and no password is in the report', async () => {
    const { run, outcomes } = await runUnderLoad(lab, ids, 'auth-failure', { target, durationMs: 1500 });
    expect(run).toMatchObject({ status: 'completed', error: null });
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(eventsOf(run, 'redis-state').map((e) => e.data?.to)).toEqual(expect.arrayContaining(['auth-failed', 'ready']));
    expect(run.metrics.redisErrorsByKind.auth).toBeGreaterThanOrEqual(1);
    expect(run.metrics.timeToDetectMs).toBeGreaterThan(0);
    expect(run.metrics.timeToRecoverMs).toBeGreaterThan(0);
    expectWithinRun(run, { timeToDetectMs: run.metrics.timeToDetectMs, timeToRecoverMs: run.metrics.timeToRecoverMs });
    expect(JSON.stringify(run)).not.toContain(APP_PASSWORD);
    // Exactly the old password is back: the app's credentials, and no others, work.
    const admin = new Redis({
      port: redis.port,
      password: APP_PASSWORD,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      expect(await admin.config('GET', 'requirepass')).toEqual(['requirepass', APP_PASSWORD]);
    } finally {
      admin.disconnect();
    }
    const logs = await lab.send<{ lines: LogLine[] }>('GET', `/api/chaos/targets/${target}/logs?tail=5`, undefined, auth);
    expect(logs.status).toBe(200);
    expect(logs.body.lines.length).toBeGreaterThan(0);
    expect(logs.body.lines.length).toBeLessThanOrEqual(5);
    expect((await lab.send('GET', `/api/chaos/targets/${target}/logs?tail=0`, undefined, auth)).status).toBe(400);
    expect((await lab.send('GET', '/api/chaos/targets/process:nope/logs', undefined, auth)).status).toBe(404);
  }, 60_000);
});

describe('auth failure for an ACL user', () => {
  it("rotates only the app's ACL user, puts back exactly its password hash, and the app recovers", async () => {
    const redis = await RedisServerProcess.start();
    const admin = new Redis({ port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on('error', () => undefined);
    await admin.connect();
    await admin.call('ACL', 'SETUSER', 'app', 'on', '>app-acl-pw', '~*', '&*', '+@all');
    const hashBefore = ((await admin.call('ACL', 'GETUSER', 'app')) as unknown[])[3];
    const db = await createTestDatabase();
    const lab = await startLab({
      redis: { port: redis.port, username: 'app', password: 'app-acl-pw' },
      mysql: db,
      targets: [{ process: redis, kind: 'redis' }],
      overrides: { chaos: { token: CHAOS_TOKEN } },
    });
    try {
      await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
      const ids = await createUsers(lab, 5, 'acl');
      const { run, outcomes } = await runUnderLoad(lab, ids, 'auth-failure', { target: `process:${redis.options.name}`, durationMs: 1500 });
      expect(run).toMatchObject({ status: 'completed', error: null });
      expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
      expect(eventsOf(run, 'action')[0].message).toContain("ACL user 'app'");
      expect(eventsOf(run, 'redis-state').map((e) => e.data?.to)).toEqual(expect.arrayContaining(['auth-failed', 'ready']));
      expect(JSON.stringify(run)).not.toContain('app-acl-pw');
      expect(((await admin.call('ACL', 'GETUSER', 'app')) as unknown[])[3]).toEqual(hashBefore);
      expect(await admin.ping()).toBe('PONG'); // the default user (another client) was left alone
    } finally {
      admin.disconnect();
      await lab.close();
      await redis.stop();
      await db.drop();
    }
  }, 60_000);
});

describe('chaos routes without a configured token', () => {
  it('are disabled with a 403 saying how to enable them when Redis is external', async () => {
    const db = await createTestDatabase();
    const lab = await startLab({ mysql: db, overrides: { chaos: { token: null } }, waitForDatabase: false });
    try {
      const res = await lab.send<ApiErrorBody>('GET', '/api/chaos/targets', undefined, auth);
      expect(res).toMatchObject({ status: 403, body: { code: 'CHAOS_DISABLED' } });
      expect(res.body.message).toContain('CHAOS_TOKEN');
    } finally {
      await lab.close();
      await db.drop();
    }
  }, 30_000);

  it('are on in the embedded default (managed redis-server) with a generated token, which the configured one does not match', async () => {
    const db = await createTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-chaos-managed-'));
    const lab = await startLab({
      mysql: db,
      overrides: { dataDir, redis: { host: null }, chaos: { token: null } },
      waitForDatabase: false,
    });
    try {
      expect(lab.config.redisMode).toBe('managed');
      expect(lab.app.get(ChaosAccess).generated).toBe(true);
      const res = await lab.send<ApiErrorBody>('GET', '/api/chaos/targets', undefined, auth);
      expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    } finally {
      await lab.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
