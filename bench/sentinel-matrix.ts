/**
 * `npm run bench:faults -- --topology sentinel`: Redis Sentinel failovers (one master, two
 * replicas, three sentinels, all local processes) while concurrent HTTP clients read and write.
 * Per failover: reads served / failed / stale, reads by where they came from, writes during the
 * switch, the time Sentinel took to announce the new master (+switch-master) and the app's own
 * lag from that announcement to its first read served by the new master.
 * The failovers are the chaos API's scenarios (POST /api/chaos/scenarios/failover, failover-pause,
 * manual-failover); the switch times, reads by node and writes during the switch are their reports'.
 */
import { loadConfig } from '@rrl/config';
import type { ChaosRun, FailoverMetrics } from '@rrl/contracts';
import { MariaDbProcess, RedisSentinelTopology } from '@rrl/testing';
import { client, newTally, settle, sleep, WRITE_SHARE, type Tally } from './sentinel-clients';
import { BENCH_TOKEN, json, writeResult } from './support';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources: the bench measures what `npm start` runs. */
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

/** Sentinel's down-after-milliseconds: the user's setting; 1 s keeps the bench short. */
const DOWN_AFTER_MS = Number(process.env.BENCH_DOWN_AFTER_MS ?? 1000);

/** RedisSentinelTopology's failover-timeout: Sentinel starts no automatic failover within twice that of the last one. */
const FAILOVER_TIMEOUT_MS = 5000;

/** The chaos scenarios, each holding its fault 1 s after the promotion. */
const FAILOVERS = [
  { name: 'failover', label: 'failover (SIGKILL the master)', params: { downtimeMs: 1000 } },
  { name: 'failover-pause', label: 'failover-pause (SIGSTOP the master)', params: { durationMs: 1000 } },
  { name: 'manual-failover', label: 'manual-failover (SENTINEL FAILOVER)', params: { durationMs: 1000 } },
];

interface Row {
  name: string;
  tally: Tally;
  failover: FailoverMetrics;
}

/** Starts a scenario through the chaos API and polls its run until it has ended. */
async function runScenario(base: string, name: string, params: object): Promise<ChaosRun> {
  const started = await json<ChaosRun>(base, 'POST', `/api/chaos/scenarios/${name}`, params);
  if (started.status !== 202) throw new Error(`${name}: ${started.status} ${JSON.stringify(started.body)}`);
  for (;;) {
    const run = (await json<ChaosRun>(base, 'GET', `/api/chaos/runs/${started.body.id}`)).body;
    if (run.status !== 'running') return run;
    await sleep(200);
  }
}

export async function runSentinelMatrix({ clients, users }: { clients: number; users: number }): Promise<void> {
  const [topology, maria] = await Promise.all([RedisSentinelTopology.start({ downAfterMs: DOWN_AFTER_MS }), MariaDbProcess.start()]);
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      redis: { sentinel: { nodes: topology.sentinelNodes, masterName: topology.masterName } },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
      chaos: { token: BENCH_TOKEN },
      logging: { level: 'error', format: 'json' },
    },
  });
  const runtime = await prepareLabRuntime(config, [...topology.chaosTargets, { process: maria, kind: 'mysql' }]);
  const app = await createApp(runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  for (let i = 0; i < 300 && (await json(base, 'GET', '/health/ready')).status !== 200; i++) await sleep(100);
  const ids: number[] = [];
  for (let i = 0; i < users; i++)
    ids.push((await json<{ id: number }>(base, 'POST', '/api/users', { name: `user ${i} v0`, email: `sm${i}@example.test` })).body.id);
  const acked = new Map(ids.map((id) => [id, 0]));
  await json(base, 'POST', '/api/cache/warm', {});
  const c = config.redis.connection;
  console.log(
    `sentinel fault matrix: 1 master, 2 replicas, 3 sentinels (down-after-milliseconds ${DOWN_AFTER_MS}); ${clients} HTTP clients ` +
      `(${WRITE_SHARE * 100}% writes), ${users} users; backoff ${c.retryDelay}..${c.maxRetryDelay} ms, commandTimeout ${c.commandTimeout} ms`,
  );

  const rows: Row[] = [];
  const only = process.env.BENCH_SCENARIOS?.split(',').map((n) => n.trim());
  let lastPromotionAt = 0;
  for (const failover of FAILOVERS.filter((f) => !only || only.includes(f.name))) {
    if (failover.name !== 'manual-failover') await sleep(Math.max(0, lastPromotionAt + 2 * FAILOVER_TIMEOUT_MS - Date.now()));
    await settle(base, ids);
    const tally = newTally();
    let running = true;
    const readers = Array.from({ length: clients }, (_, k) =>
      client(
        base,
        ids.filter((_, i) => i % clients === k),
        ids,
        acked,
        tally,
        () => running,
      ),
    );
    await sleep(500);
    const run = await runScenario(base, failover.name, failover.params);
    await sleep(1000);
    running = false;
    await Promise.all(readers);
    const f = run.metrics.failover;
    if (run.status !== 'completed' || !f?.newMaster)
      throw new Error(`${failover.name}: ${run.status} ${run.error ?? 'no promotion reported'}`);
    lastPromotionAt = Date.parse(run.timeline.find((e) => e.type === 'master-switch')!.at);
    rows.push({ name: failover.label, tally, failover: f });
    console.log(
      `  ${failover.label}: ${tally.served} served, ${tally.failed} failed, ${tally.stale} stale, lag ${f.timeToNewMasterReadMs} ms`,
    );
  }

  console.log(
    '\n| failover | reads served | failed reads | stale reads | reads old master / database / new master | writes acked (failed) | writes during the switch | fault → +switch-master ms | +switch-master → first read from the new master ms |',
  );
  console.log('|---|---:|---:|---:|---|---|---:|---:|---:|');
  for (const { name, tally: t, failover: f } of rows) {
    const byNode = `${f.readsByNode.oldMaster} / ${f.readsByNode.database} / ${f.readsByNode.newMaster}`;
    console.log(
      `| ${name} | ${t.served} | ${t.failed} | ${t.stale} | ${byNode} | ${t.writes} (${t.failedWrites}) | ${f.writesDuringSwitch.total} | ${f.timeToPromotionMs} | ${f.timeToNewMasterReadMs} |`,
    );
  }
  console.log(
    "\n(reads by node and writes during the switch are the run reports', counted in the app: the clients' reads plus the run's probe;" +
      ' writes during the switch: acknowledged from the fault to the first read from the new master)',
  );
  writeResult(
    'sentinel-matrix',
    {
      topology: '1 master, 2 replicas, 3 sentinels (local processes)',
      downAfterMs: DOWN_AFTER_MS,
      failoverTimeoutMs: FAILOVER_TIMEOUT_MS,
      clients,
      writeShare: WRITE_SHARE,
      users,
      via: 'HTTP',
      scenarios: FAILOVERS.filter((f) => !only || only.includes(f.name)).map((f) => ({ name: f.name, params: f.params })),
      lab: { commandTimeout: c.commandTimeout, retryDelay: c.retryDelay, maxRetryDelay: c.maxRetryDelay },
    },
    {
      rows: rows.map(({ name, tally: t, failover }) => ({
        failover: name,
        served: t.served,
        failed: t.failed,
        failedCodes: t.failedCodes,
        stale: t.stale,
        writes: t.writes,
        failedWrites: t.failedWrites,
        metrics: failover,
      })),
    },
  );
  await app.close();
  await Promise.all([topology.stop(), maria.stop()]);
}
