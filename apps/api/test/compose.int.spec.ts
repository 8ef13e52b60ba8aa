import type { ChaosRun, ChaosTargetsResponse, UserDto } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import { COMPOSE_CHAOS_TOKEN, ComposeStack } from './compose/compose-stack';
import { expectWithinRun } from './support/chaos-lab';
import type { LabClient } from './support/lab-client';

const auth = { authorization: `Bearer ${COMPOSE_CHAOS_TOKEN}` };

interface Read {
  status: number;
  source: string | null;
}

async function read(http: LabClient, id: number): Promise<Read> {
  const res = await http.get(`/api/users/${id}`);
  return { status: res.status, source: res.headers.get('x-cache-source') };
}

/** Reads `ids` six wide while `during` runs, and a few more after it; returns every read. */
async function readWhile<T>(http: LabClient, ids: number[], during: () => Promise<T>) {
  const reads: Read[] = [];
  let stop = false;
  let i = 0;
  const workers = Array.from({ length: 6 }, async () => {
    while (!stop) reads.push(await read(http, ids[i++ % ids.length]));
  });
  await waitFor('readers under way', () => reads.length >= 20);
  const run = await during();
  const atEnd = reads.length;
  await waitFor('reads after the run', () => reads.length >= atEnd + 20);
  stop = true;
  await Promise.all(workers);
  return { run, reads };
}

/** docker-compose.yml run for real on the local engine (stand-in images, see compose/docker-compose.test.yml). */
describe('docker compose up: the whole stack (real engine)', () => {
  let stack: ComposeStack;
  let ids: number[];

  beforeAll(async () => {
    stack = await ComposeStack.up();
    await stack.untilHealthy('api');
  }, 300_000);

  afterAll(async () => {
    await stack?.down();
  }, 60_000);

  it("turns the API's healthcheck healthy and serves the dashboard on the published port", async () => {
    const page = await fetch(stack.url + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<div id="root">|<script/);
  });

  it('serves a user from MySQL through Redis: the second read comes from Redis', async () => {
    ids = [];
    for (let n = 0; n < 5; n++) {
      const created = await stack.send<UserDto>('POST', '/api/users', { name: `compose ${n}`, email: `compose${n}@example.test` });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    await read(stack, ids[0]);
    const second = await stack.get<{ user: UserDto }>(`/api/users/${ids[0]}`);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache-source')).toBe('redis');
  });

  it('lists the labelled Redis and MySQL containers; restart on Redis has zero failed reads', async () => {
    const { body } = await stack.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    const redis = await stack.container('redis');
    const mysql = await stack.container('mysql');
    const mine = body.targets.filter((t) => t.id === `docker:${redis.Id.slice(0, 12)}` || t.id === `docker:${mysql.Id.slice(0, 12)}`);
    expect(mine.map((t) => [t.kind, t.state]).sort()).toEqual([
      ['mysql', 'running'],
      ['redis', 'running'],
    ]);

    const { run, reads } = await readWhile(stack, ids, async () => {
      const started = await stack.send<ChaosRun>(
        'POST',
        '/api/chaos/scenarios/restart',
        { target: `docker:${redis.Id.slice(0, 12)}`, downtimeMs: 1500 },
        auth,
      );
      expect(started.status).toBe(202);
      return waitFor(
        'restart ended',
        async () => {
          const r = await stack.send<ChaosRun>('GET', `/api/chaos/runs/${started.body.id}`, undefined, auth);
          return r.body.status === 'running' ? null : r.body;
        },
        60_000,
        200,
      );
    });
    expect(run).toMatchObject({ status: 'completed', error: null });
    expect(reads.filter((r) => r.status !== 200)).toEqual([]);
    expect(reads.some((r) => r.source === 'mysql')).toBe(true); // the outage was real: MySQL stood in
    await waitFor('served from Redis again', async () => (await read(stack, ids[0])).source === 'redis', 30_000);
    console.log(
      `compose restart: ${reads.length} reads, detect ${run.metrics.timeToDetectMs} ms, recover ${run.metrics.timeToRecoverMs} ms`,
    );
  }, 120_000);

  it('docker compose down leaves no container and no network of the project', async () => {
    await stack.down();
    expect(await stack.containers()).toEqual([]);
    expect(await stack.networks()).toEqual([]);
  }, 60_000);
});

/** docker compose --profile ha up: the Sentinel topology beside the single node, and api-ha over it. */
describe('docker compose --profile ha up: Sentinel topology (real engine)', () => {
  const HA_SERVICES = ['redis-master', 'redis-replica-1', 'redis-replica-2', 'sentinel-1', 'sentinel-2', 'sentinel-3'];
  let stack: ComposeStack;

  /** The master's address as sentinel-1 reports it. */
  const sentinelMaster = async () =>
    (await stack.compose('exec', '-T', 'sentinel-1', 'redis-cli', '-p', '26379', 'sentinel', 'get-master-addr-by-name', 'mymaster'))
      .trim()
      .split('\n')[0];

  beforeAll(async () => {
    stack = await ComposeStack.up({ profiles: ['ha'] });
    await stack.untilHealthy('api-ha');
  }, 300_000);

  afterAll(async () => {
    await stack?.down();
  }, 60_000);

  it('lists master, replicas and sentinels as chaos targets, and Sentinel names redis-master', async () => {
    const { body } = await stack.ha.send<ChaosTargetsResponse>('GET', '/api/chaos/targets', undefined, auth);
    for (const service of HA_SERVICES) {
      const { Id } = await stack.container(service);
      expect(body.targets.find((t) => t.id === `docker:${Id.slice(0, 12)}`)).toMatchObject({ kind: 'redis', state: 'running' });
    }
    const master = await stack.container('redis-master');
    const masterIp = Object.values(master.NetworkSettings.Networks)[0].IPAddress;
    await waitFor('sentinel-1 knows the master', async () => (await sentinelMaster()) === masterIp, 30_000);
  });

  it("a failover scenario through api-ha's chaos API: Sentinel promotes a replica, the report says when, and no read fails", async () => {
    const ids: number[] = [];
    for (let n = 0; n < 5; n++)
      ids.push((await stack.ha.send<UserDto>('POST', '/api/users', { name: `ha ${n}`, email: `ha${n}@example.test` })).body.id);
    const master = await stack.container('redis-master');
    const oldMaster = await sentinelMaster();
    const { run, reads } = await readWhile(stack.ha, ids, async () => {
      // No target: the scenario asks the sentinels for the master and finds its container by address.
      const started = await stack.ha.send<ChaosRun>('POST', '/api/chaos/scenarios/failover', { downtimeMs: 1000 }, auth);
      expect(started.status).toBe(202);
      return waitFor(
        'failover ended',
        async () => {
          const r = await stack.ha.send<ChaosRun>('GET', `/api/chaos/runs/${started.body.id}`, undefined, auth);
          return r.body.status === 'running' ? null : r.body;
        },
        90_000,
        250,
      );
    });
    expect(run).toMatchObject({ status: 'completed', error: null, targets: [`docker:${master.Id.slice(0, 12)}`] });
    expect(reads.filter((r) => r.status !== 200)).toEqual([]);
    const f = run.metrics.failover!;
    expect(f.oldMaster).toBe(`${oldMaster}:6379`);
    expect(f.newMaster).toBe(`${await sentinelMaster()}:6379`);
    expect(f.newMaster).not.toBe(f.oldMaster);
    // down-after-milliseconds is 2 s in docker-compose.yml, plus the election.
    expect(f.timeToPromotionMs).toBeGreaterThan(2000);
    expectWithinRun(run, { timeToPromotionMs: f.timeToPromotionMs });
    expect(f.timeToNewMasterReadMs).toEqual(expect.any(Number));
    console.log(
      `compose ha failover: Sentinel promoted ${f.newMaster} ${f.timeToPromotionMs} ms after the kill, first read from it ` +
        `${f.timeToNewMasterReadMs} ms later; ${reads.length} reads through the failover, by source ${JSON.stringify(countBy(reads.map((r) => r.source)))}`,
    );
  }, 150_000);

  it('docker compose down leaves no container and no network of the project', async () => {
    await stack.down();
    expect(await stack.containers()).toEqual([]);
    expect(await stack.networks()).toEqual([]);
  }, 60_000);
});

function countBy(values: Array<string | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
