/**
 * Fault matrix: every chaos scenario, started through the API's chaos runner (real redis-server and
 * mariadbd processes, the fault proxy in front of Redis), while 16 clients read and write through a read
 * path. Per scenario and path: reads served, failed, hung (still waiting after 10 s), stale (older than
 * the last write acknowledged before the read began), p99, longest wait, and time to recover (target back
 * → first read answered by Redis, as the clients saw it).
 *   npm run bench:faults              the lab over HTTP, every scenario
 *   npm run bench:faults -- --peers   the lab (UserCacheService, in-process) and each peer (bench/peers),
 *                                     one after the other under the same fault, crash … auth-failure
 * Production timings (config/default.json). Every path reads the same users from the same database through
 * the same Redis and proxy, each into its own keys, after the same warm-up.
 * Run: npm run bench:faults   (builds first; uses the compiled app)
 */
import { UserCacheService } from '@rrl/cache';
import { RedisServerProcess } from '@rrl/chaos';
import { percentile, sleep, sortedAscending } from '@rrl/common';
import { loadConfig, type AppConfig } from '@rrl/config';
import type { ChaosRun, RedisStatus, UserDto } from '@rrl/contracts';
import { MariaDbProcess } from '@rrl/testing';
import { UsersRepository } from '@rrl/users';
import { client, HUNG_MS, newTally, versionOf, WRITE_SHARE, type Tally } from './fault-clients';
import { PEERS } from './peers';
import { labHttpPath, labPath, type ReadPath } from './read-path';
import { runSentinelMatrix } from './sentinel-matrix';
import { BENCH_TOKEN, json, writeResult } from './support';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources: the bench measures what `npm start` runs. */
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

const USERS = 200;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const WITH_PEERS = process.argv.includes('--peers');
/**
 * With peers, faults outlast the 10 s hang budget (HUNG_MS), so a path that waits on Redis for as long as
 * the fault lasts shows as hung; the lab-only matrix keeps its 3 s faults.
 */
/** The restart scenario's default downtime (45 s), for the one-attempt-per-second budget. */
const LONG_RESTART_MS = Number(process.env.BENCH_LONG_RESTART_MS ?? 45_000);
const FAULT_MS = Number(process.env.BENCH_FAULT_MS ?? (WITH_PEERS ? 12_000 : 3000));
/** After the target is back, clients keep going until their path reads from Redis again, at most this long. */
const RECOVERY_WAIT_MS = 20_000;
/** A path that cannot be cleared, warmed and read from its cache within this is rebuilt (a process restart). */
const SETTLE_MS = 30_000;
const REDIS_PASSWORD = 'fault-matrix-redis-pw';
const PEER_SCENARIOS = ['crash', 'restart', 'pause', 'partition', 'latency', 'auth-failure'];

/** A path and how to build it again (a peer that never recovers is replaced, as a restart would). */
interface PathSlot {
  path: ReadPath;
  /** Answers from an in-process L1 tier: Redis is rarely asked, so its recovery is not seen by reads. */
  inMemory: boolean;
  rebuild: (() => ReadPath) | null;
  rebuilt: number;
}

interface Row {
  path: string;
  inMemory: boolean;
  tally: Tally;
  recoverMs: number | null;
  note: string;
}

/**
 * The same warm-up for every path: drop its keys, read every user through it (so its cache holds what
 * the database holds now), then wait until sample reads come from its cache. Returns the versions read.
 */
async function warm(p: ReadPath, ids: number[]): Promise<Map<number, number>> {
  await p.clear();
  const acked = new Map<number, number>();
  for (const id of ids) acked.set(id, versionOf((await p.get(id)).user?.name ?? ''));
  for (;;) {
    const reads = await Promise.all(ids.slice(0, 5).map((id) => p.get(id)));
    if (reads.every((r) => r.source !== 'mysql')) return acked;
    await sleep(200);
  }
}

async function settle(slot: PathSlot, ids: number[]): Promise<Map<number, number>> {
  const deadline = Date.now() + SETTLE_MS;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      return await warmWithin(slot.path, ids, deadline - Date.now());
    } catch (e) {
      lastError = e;
      await sleep(500);
    }
  }
  if (!slot.rebuild) throw new Error(`${slot.path.name} did not settle within ${SETTLE_MS} ms: ${String(lastError)}`);
  await slot.path.close();
  slot.path = slot.rebuild();
  slot.rebuilt++;
  return warmWithin(slot.path, ids, SETTLE_MS);
}

async function warmWithin(p: ReadPath, ids: number[], ms: number): Promise<Map<number, number>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('warm-up timed out')), ms)));
  try {
    return await Promise.race([warm(p, ids), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function runOne(
  base: string,
  slot: PathSlot,
  ids: number[],
  name: string,
  params: Record<string, unknown>,
): Promise<{ row: Row; run: ChaosRun }> {
  const acked = await settle(slot, ids);
  const p = slot.path;
  const tally = newTally();
  const stop = new AbortController();
  const clients = Array.from({ length: CLIENTS }, (_, k) =>
    client({ path: p, owned: ids.filter((_, i) => i % CLIENTS === k), all: ids, acked, tally, signal: stop.signal }),
  );
  await sleep(500);
  const started = await json<ChaosRun>(base, 'POST', `/api/chaos/scenarios/${name}`, params);
  if (started.status !== 202) throw new Error(`${name}: ${started.status} ${JSON.stringify(started.body)}`);
  let run = started.body;
  while (run.status === 'running') {
    await sleep(200);
    run = (await json<ChaosRun>(base, 'GET', `/api/chaos/runs/${run.id}`)).body;
  }
  const backEvent = run.timeline.find((e) => e.type === 'target-back');
  const backAt = backEvent ? Date.parse(backEvent.at) : Date.now();
  const recovered = () => tally.redisReads.find(([start]) => start >= backAt)?.[1] ?? null;
  while (recovered() === null && Date.now() < backAt + RECOVERY_WAIT_MS) await sleep(200);
  stop.abort();
  await Promise.all(clients);
  const back = recovered();
  const notes = [run.status === 'completed' ? '' : `run ${run.status}`, slot.rebuilt ? `rebuilt ${slot.rebuilt}× (never recovered)` : '']
    .filter(Boolean)
    .join('; ');
  slot.rebuilt = 0;
  return { row: { path: p.name, inMemory: slot.inMemory, tally, recoverMs: back === null ? null : back - backAt, note: notes }, run };
}

const fmt = (n: number | null) => (n === null ? 'n/a' : String(Math.round(n)));

function failedCell(t: Tally): string {
  if (!t.failed) return '0';
  const kinds = Object.entries(t.failedCodes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v}× ${k}`);
  return `${t.failed} (${kinds.slice(0, 2).join(', ')}${kinds.length > 2 ? ', …' : ''})`;
}

function printScenario(name: string, run: ChaosRun, rows: Row[], attemptsPerSecond: number | null): void {
  const fault = Object.entries(run.params)
    .filter(([k]) => !/target/i.test(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  console.log(`\n#### ${name} (${fault})\n`);
  console.log('| read path | reads served | failed | HUNG (> 10 s) | stale | p99 ms | max wait ms | time to recover ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { path: p, inMemory, tally: t, recoverMs, note } of rows) {
    const never = inMemory ? 'n/a (answers from L1)' : `never (> ${RECOVERY_WAIT_MS / 1000} s)`;
    const recover = recoverMs === null ? never : fmt(recoverMs);
    console.log(
      `| ${p}${note ? ` (${note})` : ''} | ${t.served} | ${failedCell(t)} | ${t.hung} | ${t.stale} | ${fmt(percentile(sortedAscending(t.latencies), 99))} | ${fmt(t.maxWaitMs)} | ${recover} |`,
    );
  }
  const m = run.metrics;
  console.log(
    `\n(the chaos run's own report, for the lab: time to detect ${fmt(m.timeToDetectMs)} ms, time to recover ${fmt(m.timeToRecoverMs)} ms, ` +
      `reconnect attempts per second while down ${attemptsPerSecond === null ? 'n/a' : attemptsPerSecond.toFixed(2)})`,
  );
}

async function main(): Promise<void> {
  const redis = await RedisServerProcess.start({ password: REDIS_PASSWORD });
  try {
    const maria = await MariaDbProcess.start();
    try {
      await matrix(redis, maria);
    } finally {
      await maria.stop();
    }
  } finally {
    await redis.stop(); // also when the bench fails: never leave a server behind
  }
}

async function matrix(redis: RedisServerProcess, maria: MariaDbProcess): Promise<void> {
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      redis: { host: '127.0.0.1', port: redis.port, password: REDIS_PASSWORD },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
      chaos: { token: BENCH_TOKEN, proxy: { enabled: true, listenPort: 0 } },
      logging: { level: 'error', format: 'json' },
    },
  });
  const runtime = await prepareLabRuntime(config, [
    { process: redis, kind: 'redis' },
    { process: maria, kind: 'mysql' },
  ]);
  const app = await createApp(runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  for (let i = 0; i < 300 && (await json(base, 'GET', '/health/ready')).status !== 200; i++) await sleep(100);

  const ids: number[] = [];
  for (let i = 0; i < USERS; i++)
    ids.push((await json<UserDto>(base, 'POST', '/api/users', { name: `user ${i} v0`, email: `fm${i}@example.test` })).body.id);
  const slots = pathSlots(base, runtime.config, app.get(UserCacheService), app.get(UsersRepository));
  const redisTarget = `process:${redis.options.name}`;
  const mysqlTarget = `process:${maria.options.name}`;
  const c = config.redis.connection;
  console.log(
    `fault matrix: ${CLIENTS} clients per path (${WRITE_SHARE * 100}% writes), ${USERS} users, faults of ${FAULT_MS} ms, hung = still waiting after ${HUNG_MS / 1000} s; ` +
      `lab: commandTimeout ${c.commandTimeout} ms, heartbeat ${c.heartbeatInterval}/${c.heartbeatTimeout} ms, backoff ${c.retryDelay}..${c.maxRetryDelay} ms, ` +
      `breaker half-open after ${config.redis.resilience.breaker.halfOpenAfter} ms`,
  );
  for (const s of slots) console.log(`  ${s.path.name}: ${s.path.description}`);

  const scenarios: [string, Record<string, unknown>, string?][] = [
    ['crash', { target: redisTarget, downtimeMs: FAULT_MS }],
    ['stop-start', { target: redisTarget, downtimeMs: FAULT_MS }],
    ['restart', { target: redisTarget, downtimeMs: FAULT_MS }],
    // The restart scenario's own default downtime: many attempts at the capped backoff, the case the
    // one-attempt-per-second budget is about.
    ['restart', { target: redisTarget, downtimeMs: LONG_RESTART_MS }, 'restart-45s'],
    ['pause', { target: redisTarget, durationMs: FAULT_MS }],
    ['auth-failure', { target: redisTarget, durationMs: FAULT_MS }],
    ['partition', { target: redisTarget, durationMs: FAULT_MS }],
    ['latency', { target: redisTarget, durationMs: FAULT_MS, latencyMs: 500, jitterMs: 100 }],
    ['mysql-outage', { target: mysqlTarget, durationMs: FAULT_MS }],
    ['both-down', { target: redisTarget, mysqlTarget, durationMs: FAULT_MS }],
  ];
  // BENCH_SCENARIOS=crash,both-down runs only those.
  const only = process.env.BENCH_SCENARIOS?.split(',').map((n) => n.trim()) ?? (WITH_PEERS ? PEER_SCENARIOS : null);
  const results: { scenario: string; run: ChaosRun; rows: Row[]; attemptsPerSecond: number | null }[] = [];
  for (const [name, params, label = name] of scenarios.filter(([n, , l]) => !only || only.includes(l ?? n))) {
    const rows: Row[] = [];
    /** The run the lab's clients saw (the first path); its report measures the lab app. */
    let labRun: ChaosRun | null = null;
    let attemptsPerSecond: number | null = null;
    for (const slot of slots) {
      const before = labRun ? null : (await json<RedisStatus>(base, 'GET', '/api/redis/status')).body.stats;
      const { row, run } = await runOne(base, slot, ids, name, params);
      if (before) attemptsPerSecond = reconnectRate(before, (await json<RedisStatus>(base, 'GET', '/api/redis/status')).body.stats);
      rows.push(row);
      labRun ??= run;
      const t = row.tally;
      console.log(
        `  ${name} / ${row.path}: ${t.served} served, ${t.failed} failed ${JSON.stringify(t.failedCodes)}, ${t.hung} hung, ${t.stale} stale, ` +
          `recover ${fmt(row.recoverMs)} ms, writes ${JSON.stringify(t.writes)}, sources ${JSON.stringify(t.bySource)}`,
      );
    }
    results.push({ scenario: label, run: labRun!, rows, attemptsPerSecond });
  }

  console.log(`\nOne table per scenario; each path ran under its own fault, one after the other. ${new Date().toISOString()}`);
  for (const { scenario, run, rows, attemptsPerSecond } of results) printScenario(scenario, run, rows, attemptsPerSecond);
  writeResult(
    WITH_PEERS ? 'fault-matrix-peers' : 'fault-matrix',
    {
      clients: CLIENTS,
      writeShare: WRITE_SHARE,
      users: USERS,
      faultMs: FAULT_MS,
      longRestartMs: LONG_RESTART_MS,
      hungMs: HUNG_MS,
      via: WITH_PEERS ? 'in-process' : 'HTTP',
      scenarios: only ?? 'all',
      lab: {
        commandTimeout: c.commandTimeout,
        heartbeatInterval: c.heartbeatInterval,
        heartbeatTimeout: c.heartbeatTimeout,
        retryDelay: c.retryDelay,
        maxRetryDelay: c.maxRetryDelay,
        breakerHalfOpenAfter: config.redis.resilience.breaker.halfOpenAfter,
      },
      paths: slots.map((s) => ({ name: s.path.name, inMemory: s.inMemory, options: s.path.description })),
    },
    {
      scenarios: results.map((r) => ({
        scenario: r.scenario,
        params: Object.fromEntries(Object.entries(r.run.params).filter(([k]) => !/target/i.test(k))),
        labRun: { timeToDetectMs: r.run.metrics.timeToDetectMs, timeToRecoverMs: r.run.metrics.timeToRecoverMs },
        attemptsPerSecond: r.attemptsPerSecond,
        rows: r.rows.map(({ path: name, inMemory, tally: t, recoverMs, note }) => ({
          path: name,
          inMemory,
          served: t.served,
          failed: t.failed,
          failedCodes: t.failedCodes,
          hung: t.hung,
          stale: t.stale,
          p99Ms: percentile(sortedAscending(t.latencies), 99) ?? null,
          maxWaitMs: t.maxWaitMs,
          recoverMs,
          bySource: t.bySource,
          writes: t.writes,
          note,
        })),
      })),
    },
  );

  await Promise.all(slots.map((s) => s.path.close()));
  await app.close();
}

/** The lab over HTTP; or, with --peers, the lab in-process and every peer, all on the same Redis (through the proxy) and database. */
function pathSlots(base: string, config: AppConfig, cache: UserCacheService, users: UsersRepository): PathSlot[] {
  if (!WITH_PEERS) return [{ path: labHttpPath(base, BENCH_TOKEN), inMemory: false, rebuild: null, rebuilt: 0 }];
  const lab = `the lab: commandTimeout ${config.redis.connection.commandTimeout} ms, breaker, single-flight, pending invalidations (write-through)`;
  const env = {
    redis: { host: config.redis.host ?? '127.0.0.1', port: config.redis.port, password: config.redis.password ?? undefined },
    users,
    ttlMs: config.redis.caching.ttl * 1000,
  };
  return [
    { path: labPath(cache, lab), inMemory: false, rebuild: null, rebuilt: 0 },
    ...PEERS.map((spec) => ({ path: spec.create(env), inMemory: spec.inMemory, rebuild: () => spec.create(env), rebuilt: 0 })),
  ];
}

/**
 * Reconnect attempts per second of outage during one run: the attempts the connection counted, over
 * the outage the connection measured (null when the connection never went down).
 */
function reconnectRate(before: RedisStatus['stats'], after: RedisStatus['stats']): number | null {
  const attempts = after.attempts - before.attempts;
  if (attempts === 0 || after.lastRecoveryMs === null || after.lastReadyAt === before.lastReadyAt) return null;
  return attempts / (after.lastRecoveryMs / 1000);
}

// `--topology sentinel`: the Sentinel failovers (bench/sentinel-matrix.ts) instead of the one-node faults.
const topology = process.argv.includes('--topology') ? process.argv[process.argv.indexOf('--topology') + 1] : 'single';
(topology === 'sentinel' ? runSentinelMatrix({ clients: CLIENTS, users: USERS }) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
