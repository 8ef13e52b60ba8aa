import type { ChaosTargetsResponse, LogLine, RedisStatus } from '@rrl/contracts';
import {
  buildRedisImage,
  createTestDatabase,
  ensureDocker,
  removeContainer,
  runLabelledRedis,
  uniqueContainerName,
  waitFor,
  type RunningContainer,
  type TestDatabase,
} from '@rrl/testing';
import { startLab, type Lab } from './support/lab';
import { auth, CHAOS_TOKEN, expectWithinRun, runUnderLoad } from './support/chaos-lab';
import { createUsers, read } from './support/readers';

/** The same scenarios on a labelled Redis container, through the API's Docker driver (real engine; never skipped). */
describe('chaos scenarios on a Docker Redis container through the API (real engine)', () => {
  let container: RunningContainer;
  let db: TestDatabase;
  let lab: Lab;
  let target: string;
  let ids: number[];

  beforeAll(async () => {
    await ensureDocker(); // fails, never skips, without an engine
    await buildRedisImage();
    [container, db] = await Promise.all([runLabelledRedis({ name: uniqueContainerName('rrl-chaos-api') }), createTestDatabase()]);
    lab = await startLab({ redis: { port: container.port }, mysql: db, overrides: { chaos: { token: CHAOS_TOKEN } } });
    await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
    ids = await createUsers(lab, 10, 'docker');
    await lab.send('POST', '/api/cache/warm', {});
    const { body } = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(body.drivers).toContainEqual({ name: 'docker', available: true });
    target = body.targets.find((t) => t.name === container.name)!.id;
  }, 90_000);

  afterAll(async () => {
    await lab?.close();
    await db?.drop();
    if (container) await removeContainer(container.id);
  });

  it('lists the labelled container as docker:<id> with its endpoint', async () => {
    expect(target).toMatch(/^docker:[0-9a-f]{12}$/);
    const { body } = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    expect(body.targets.find((t) => t.id === target)).toMatchObject({
      kind: 'redis',
      driver: 'docker',
      state: 'running',
      endpoint: { port: container.port },
    });
  });

  it("tails the container's logs through the API", async () => {
    const { status, body } = await lab.send<{ lines: LogLine[] }>('GET', `/api/chaos/targets/${target}/logs?tail=20`, undefined, auth);
    expect(status).toBe(200);
    expect(body.lines.some((l) => /Ready to accept connections/.test(l.line))).toBe(true);
  });

  it.each([
    ['crash', { downtimeMs: 1500 }],
    ['restart', { downtimeMs: 1500 }],
    ['pause', { durationMs: 1500 }],
    ['partition', { durationMs: 1500 }],
  ])(
    '%s on the container: zero failed reads, detect and recover times plausible, container running again',
    async (name, params) => {
      const { run, outcomes } = await runUnderLoad(lab, ids, name, { target, ...params });
      expect(run).toMatchObject({ status: 'completed', error: null });
      expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
      expect(run.metrics.timeToDetectMs).toBeGreaterThan(0);
      expect(run.metrics.timeToRecoverMs).toBeGreaterThan(0);
      expectWithinRun(run, { timeToDetectMs: run.metrics.timeToDetectMs, timeToRecoverMs: run.metrics.timeToRecoverMs });
      const { body } = await lab.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
      expect(body.targets.find((t) => t.id === target)?.state).toBe('running');
      await waitFor('served from Redis', async () => (await read(lab, ids[0])).source === 'redis', 10_000);
      console.log(`docker ${name}: detect ${run.metrics.timeToDetectMs} ms, recover ${run.metrics.timeToRecoverMs} ms`);
    },
    60_000,
  );
});
