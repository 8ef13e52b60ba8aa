/**
 * `npm run bench:faults -- --topology sentinel`: Redis Sentinel failovers (one master, two
 * replicas, three sentinels, all local processes) while concurrent HTTP clients read and write.
 * Per failover: reads served / failed / stale, reads by where they came from, writes during the
 * switch, the time Sentinel took to announce the new master (+switch-master) and the app's own
 * lag from that announcement to its first read served by the new master.
 * The failovers are driven here, not through the chaos API (no Sentinel scenarios there yet).
 */
import { loadConfig } from '@rrl/config';
import type { RedisStatus } from '@rrl/contracts';
import { MariaDbProcess, RedisSentinelTopology, type HostPort } from '@rrl/testing';
import { client, json, newTally, settle, sleep, TOKEN, WRITE_SHARE, type Tally } from './sentinel-clients';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources: the bench measures what `npm start` runs. */
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

/** Sentinel's down-after-milliseconds: the user's setting; 1 s keeps the bench short. */
const DOWN_AFTER_MS = Number(process.env.BENCH_DOWN_AFTER_MS ?? 1000);

interface Failover {
  name: string;
  /** Does the damage to the current master; returns how to undo it once the switch is measured. */
  inject(topology: RedisSentinelTopology, master: HostPort): Promise<() => Promise<void>>;
}

const FAILOVERS: Failover[] = [
  {
    name: 'failover (SIGKILL the master)',
    async inject(t, m) {
      await t.server(m.port).kill();
      return () => t.server(m.port).start();
    },
  },
  {
    name: 'failover-pause (SIGSTOP the master)',
    inject(t, m) {
      t.server(m.port).pause();
      return Promise.resolve(() => Promise.resolve(t.server(m.port).unpause()));
    },
  },
  {
    name: 'manual-failover (SENTINEL FAILOVER)',
    async inject(t) {
      await t.manualFailover();
      return () => Promise.resolve();
    },
  },
];

interface Row {
  name: string;
  tally: Tally;
  toAnnouncementMs: number;
  lagMs: number;
  fromOld: number;
  fromDb: number;
  fromNew: number;
  writesDuringSwitch: number;
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
      chaos: { token: TOKEN },
      logging: { level: 'error', format: 'json' },
    },
  });
  const runtime = await prepareLabRuntime(config, [
    ...topology.servers.map((process) => ({ process, kind: 'redis' as const })),
    { process: maria, kind: 'mysql' },
  ]);
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
  for (const failover of FAILOVERS.filter((f) => !only || only.includes(f.name.split(' ')[0]))) {
    await settle(base, ids);
    const master = await topology.master();
    const tally = newTally(true);
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
    const writesBefore = tally.writes;
    const faultAt = Date.now();
    const undo = await failover.inject(topology, master);
    const announced = await topology.waitForSwitch(faultAt);
    const newMaster = `${announced.to.host}:${announced.to.port}`;
    let onNewAt = 0;
    for (let i = 0; i < 600 && !onNewAt; i++) {
      const status = (await json<RedisStatus>(base, 'GET', '/api/redis/status')).body;
      if (status.state === 'ready' && status.node === newMaster) onNewAt = Date.now();
      else await sleep(25);
    }
    if (!onNewAt) throw new Error(`${failover.name}: the app never connected to the new master ${newMaster}`);
    let firstNew: number | undefined;
    for (let i = 0; i < 600 && firstNew === undefined; i++) {
      firstNew = tally.readLog!.find((r) => r.at >= onNewAt && r.source === 'redis')?.at;
      if (firstNew === undefined) await sleep(10);
    }
    const writesDuringSwitch = tally.writes - writesBefore;
    await sleep(1000);
    running = false;
    await Promise.all(readers);
    await undo();
    const log = tally.readLog!;
    rows.push({
      name: failover.name,
      tally,
      toAnnouncementMs: announced.announcedAt - faultAt,
      lagMs: (firstNew ?? Number.NaN) - announced.announcedAt,
      fromOld: log.filter((r) => r.source === 'redis' && r.at < faultAt).length,
      fromDb: log.filter((r) => r.source === 'mysql').length,
      fromNew: log.filter((r) => r.source === 'redis' && r.at >= onNewAt).length,
      writesDuringSwitch,
    });
    console.log(`  ${failover.name}: ${tally.served} served, ${tally.failed} failed, ${tally.stale} stale, lag ${rows.at(-1)!.lagMs} ms`);
    // Sentinel refuses a second failover of the same master name for a while; let the topology settle.
    await sleep(2000);
  }

  console.log(
    '\n| failover | reads served | failed reads | stale reads | reads old master / database / new master | writes acked (failed) | writes during the switch | fault → +switch-master ms | +switch-master → first read from the new master ms |',
  );
  console.log('|---|---:|---:|---:|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.tally.served} | ${r.tally.failed} | ${r.tally.stale} | ${r.fromOld} / ${r.fromDb} / ${r.fromNew} | ${r.tally.writes} (${r.tally.failedWrites}) | ${r.writesDuringSwitch} | ${r.toAnnouncementMs} | ${r.lagMs} |`,
    );
  }
  await app.close();
  await Promise.all([topology.stop(), maria.stop()]);
}
