import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChaosRun, ChaosTargetsResponse, RedisStatus } from '@rrl/contracts';
import {
  buildRedisImage,
  createTestDatabase,
  ensureDocker,
  freePort,
  removeContainer,
  runLabelledRedis,
  testDocker,
  uniqueContainerName,
  waitFor,
  type RunningContainer,
  type TestDatabase,
} from '@rrl/testing';
import { ApiProcess } from './support/api-process';

/**
 * The API crashes (SIGKILL) while a chaos run holds a labelled Redis container paused: nothing
 * could undo the fault then. The next boot must find the run, unpause the container, and keep a
 * report saying so. The built API as a child process (npm test builds first); real Docker engine.
 */
describe('chaos run history across an API crash (built API, real Docker engine, real MariaDB)', () => {
  const TOKEN = 'chaos-history-token';
  let container: RunningContainer;
  let db: TestDatabase;
  let api: ApiProcess;
  let dataDir: string;

  const call = async <T>(route: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(api.url + route, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const containerState = async () => (await testDocker().getContainer(container.id).inspect()).State;

  beforeAll(async () => {
    await ensureDocker(); // fails, never skips, without an engine
    await buildRedisImage();
    [container, db] = await Promise.all([runLabelledRedis({ name: uniqueContainerName('rrl-chaos-history') }), createTestDatabase()]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-chaos-history-'));
    api = new ApiProcess(await freePort(), {
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(container.port),
      MYSQL_HOST: db.host,
      MYSQL_PORT: String(db.port),
      MYSQL_USER: db.user,
      MYSQL_PASSWORD: db.password,
      MYSQL_DATABASE: db.database,
      DATA_DIR: dataDir,
      CHAOS_TOKEN: TOKEN,
    });
    await api.start();
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await db?.drop();
    if (container) await removeContainer(container.id);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a finished run is listed after a restart; a run a crash left holding a fault is restored and marked interrupted', async () => {
    const { body: targets } = await call<ChaosTargetsResponse>('/api/chaos/targets');
    const target = targets.targets.find((t) => t.name === container.name)!.id;

    // A run that ends normally, stored as it ended.
    const finished = await call<ChaosRun>('/api/chaos/scenarios/pause', 'POST', { target, durationMs: 500 });
    expect(finished.status).toBe(202);
    await waitFor(
      'the short run ended',
      async () => (await call<ChaosRun>(`/api/chaos/runs/${finished.body.id}`)).body.status !== 'running',
      60_000,
    );

    // A run that holds the container paused for minutes, and the API dies in the middle of it.
    const held = await call<ChaosRun>('/api/chaos/scenarios/pause', 'POST', { target, durationMs: 300_000 });
    expect(held.status).toBe(202);
    await waitFor('the container paused', async () => (await containerState()).Paused, 30_000);
    await waitFor('the fault recorded', async () =>
      (await call<ChaosRun>(`/api/chaos/runs/${held.body.id}`)).body.timeline.some((e) => e.type === 'action'),
    );
    await api.kill();
    expect((await containerState()).Paused).toBe(true); // nobody undid it

    await api.start();
    const runs = await waitFor(
      'the interrupted run ended',
      async () => {
        const list = (await call<ChaosRun[]>('/api/chaos/runs')).body;
        return list.find((r) => r.id === held.body.id)?.status === 'interrupted' ? list : null;
      },
      30_000,
    );
    expect(runs.find((r) => r.id === finished.body.id)).toMatchObject({ status: 'completed' });
    const interrupted = runs.find((r) => r.id === held.body.id)!;
    expect(interrupted).toMatchObject({ phase: 'done', error: expect.stringContaining('targets were restored') });
    expect(interrupted.timeline).toContainEqual(expect.objectContaining({ type: 'target-back', message: `${target}: unpaused` }));
    expect((await containerState()).Paused).toBe(false);
    await waitFor('redis ready', async () => (await call<RedisStatus>('/api/redis/status')).body.state === 'ready', 30_000);
    expect((await call<ChaosRun>(`/api/chaos/runs/${held.body.id}`)).body.status).toBe('interrupted');
  }, 240_000);
});
