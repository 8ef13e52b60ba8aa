import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChaosRun, ChaosTargetsResponse, LoadTestRun } from '@rrl/contracts';
import type { HttpLoadTestSnapshot } from '@rrl/loadtest';
import { createTestDatabase, freePort, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { ApiProcess, runCli } from './support/api-process';

/**
 * The built API as a child process (what `npm start` runs), killed with SIGKILL and started again:
 * the CLI keeps going through the restart, and the run history is still there afterwards.
 * Needs the build (npm test builds first).
 */
describe('loop-test CLI and run history across API restarts (built API, real redis-server, real MariaDB)', () => {
  const USERS = 200;
  const TOKEN = 'loadtest-history-token';
  let redis: RedisServerProcess;
  let db: TestDatabase;
  let api: ApiProcess;
  let dataDir: string;
  let seedRun: LoadTestRun;

  const mysqlEnv = () => ({
    MYSQL_HOST: db.host,
    MYSQL_PORT: String(db.port),
    MYSQL_USER: db.user,
    MYSQL_PASSWORD: db.password,
    MYSQL_DATABASE: db.database,
  });
  const getJson = async <T>(base: string, route: string): Promise<T> =>
    (await (await fetch(base + route, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
  const postJson = async <T>(base: string, route: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(base + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const cliJson = (stdout: string) => JSON.parse(stdout) as HttpLoadTestSnapshot & { failureRate: number; passed: boolean };

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-loadtest-'));
    api = new ApiProcess(await freePort(), {
      ...mysqlEnv(),
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      DATA_DIR: dataDir,
      CHAOS_TOKEN: TOKEN,
    });
    await api.start();
    const started = await postJson<LoadTestRun>(api.url, '/api/loadtests', {
      iterations: 100,
      concurrency: 4,
      readRatio: 1,
      keys: { distribution: 'uniform', count: USERS },
      seed: true,
    });
    expect(started.status).toBe(202);
    seedRun = await waitFor(
      'users seeded',
      async () => {
        const run = await getJson<LoadTestRun>(api.url, `/api/loadtests/${started.body.id}`);
        return run.status === 'completed' ? run : null;
      },
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000); // SIGTERM: the API drains for shutdownGraceMs (5 s) first

  it('runs against the API and prints a JSON summary; exit 0 within the failure threshold', async () => {
    const result = await runCli(['--url', api.url, '--iterations', '5000', '--concurrency', '16', '--keys', String(USERS), '--json']);
    expect(result.code).toBe(0);
    const summary = cliJson(result.stdout);
    expect(summary).toMatchObject({ done: 5000, total: 5000, checks: { passed: 5000, failed: 0 }, passed: true, gaps: [] });
    expect(summary.readsBySource.redis).toBeGreaterThan(0);
  }, 60_000);

  it('exits non-zero when the failure rate is above --max-failure-rate (here: nothing listens)', async () => {
    const result = await runCli(['--url', `http://127.0.0.1:${await freePort()}`, '--iterations', '20', '--concurrency', '2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/checks\.+: 0\.00%/);
    expect(result.stdout).toContain('ECONNREFUSED=20');
  }, 30_000);

  it('keeps going through an API restart: the failed requests are counted by kind and the gap is reported', async () => {
    const lines: string[] = [];
    const cli = runCli(
      ['--url', api.url, '--iterations', '30000', '--concurrency', '16', '--read-ratio', '0.9', '--keys', String(USERS)].concat([
        '--max-failure-rate',
        '0.5',
        '--json',
      ]),
      (line) => lines.push(line),
    );
    await waitFor('two progress lines', () => lines.length >= 2, 30_000);
    await api.kill();
    await api.start();
    const result = await cli;
    expect(result.code).toBe(0);
    const summary = cliJson(result.stdout);
    expect(summary.done).toBe(30_000);
    expect(summary.checks.failed).toBeGreaterThan(0);
    expect(Object.keys(summary.errorsByKind).length).toBeGreaterThan(0);
    expect(summary.gaps.length).toBeGreaterThanOrEqual(1);
    const gap = summary.gaps.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    expect(gap.endedAt).not.toBeNull();
    expect(gap.failedRequests).toBeGreaterThan(0);
    // It kept reading after the API came back.
    expect(summary.checks.passed).toBeGreaterThan(summary.checks.failed);
  }, 400_000); // 30 000 requests take minutes when other suites load the 2 cores

  it('loop-test history survives a crash of the API; the run it interrupted is marked interrupted', async () => {
    const started = await postJson<LoadTestRun>(api.url, '/api/loadtests', {
      iterations: 100_000_000,
      concurrency: 8,
      readRatio: 1,
      keys: { distribution: 'zipf', count: USERS },
    });
    expect(started.status).toBe(202);
    await waitFor(
      'iterations under way',
      async () => (await getJson<LoadTestRun>(api.url, `/api/loadtests/${started.body.id}`)).progress.done > 0,
    );
    await api.kill();
    await api.start();
    const runs = await getJson<LoadTestRun[]>(api.url, '/api/loadtests');
    const interrupted = runs.find((r) => r.id === started.body.id);
    expect(interrupted).toMatchObject({ status: 'interrupted', phase: 'done', error: expect.stringContaining('API stopped') });
    expect(runs.find((r) => r.id === seedRun.id)).toMatchObject({ status: 'completed', progress: { done: 100 } });
    expect(await getJson<LoadTestRun>(api.url, `/api/loadtests/${started.body.id}`)).toMatchObject({ status: 'interrupted' });
  }, 120_000);

  it('a chaos run interrupted by a crash is marked interrupted at the next boot and says what became of its target', async () => {
    // The embedded default: the API runs its own redis-server, a chaos target of the process driver.
    const managed = new ApiProcess(await freePort(), { ...mysqlEnv(), DATA_DIR: path.join(dataDir, 'managed'), CHAOS_TOKEN: TOKEN });
    await managed.start();
    try {
      const { targets } = await getJson<ChaosTargetsResponse>(managed.url, '/api/chaos/targets');
      const target = targets.find((t) => t.kind === 'redis' && t.driver === 'process');
      expect(target).toBeDefined();
      const started = await postJson<ChaosRun>(managed.url, '/api/chaos/scenarios/crash', { target: target!.id, downtimeMs: 60_000 });
      expect(started.status).toBe(202);
      await waitFor('the fault injected', async () =>
        (await getJson<ChaosRun>(managed.url, `/api/chaos/runs/${started.body.id}`)).timeline.some((e) => e.type === 'action'),
      );
      await managed.kill();
      await managed.start();
      const runs = await getJson<ChaosRun[]>(managed.url, '/api/chaos/runs');
      const run = runs.find((r) => r.id === started.body.id);
      expect(run).toMatchObject({ status: 'interrupted', phase: 'done', error: expect.stringContaining('interrupted by an API restart') });
      // The report says, for its target, what was restored or why it could not be.
      const verdict = run!.timeline.filter((e) => (e.type === 'target-back' || e.type === 'error') && e.message.includes(target!.id));
      expect(verdict).toHaveLength(1);
      // The fresh boot's Redis serves again: no target is left broken by the interrupted run.
      await waitFor(
        'redis ready',
        async () => (await getJson<{ state: string }>(managed.url, '/api/redis/status')).state === 'ready',
        30_000,
      );
    } finally {
      await managed.stop();
    }
  }, 180_000);
});
