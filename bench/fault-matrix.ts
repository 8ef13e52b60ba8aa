/**
 * Fault matrix: every chaos scenario, started through the API's chaos runner (real redis-server and
 * mariadbd processes, the fault proxy in front of Redis), while 16 clients read and write through a read
 * path. Per scenario and path: reads served, failed, hung (still waiting after 10 s), stale (older than
 * the last write acknowledged before the read began), p99, longest wait, and time to recover (target back
 * → first read answered by Redis, as the clients saw it).
 *   npm run bench:faults              the lab over HTTP, every scenario
 *   npm run bench:faults -- --peers   the lab (UserCacheService, in-process) and each peer (bench/peers),
 *                                     one after the other under the same fault, crash … latency
 *   --repeat N                        every scenario N times (default 5): recovery as median and max of N
 *   BENCH_PEERS=cm-resilient,…        only those peers
 * Production timings (config/default.json). Every path reads the same users from the same database through
 * the same Redis and proxy, each into its own keys, after the same warm-up.
 * Run: npm run bench:faults   (builds first; uses the compiled app)
 */
import { UserCacheService } from '@rrl/cache';
import { RedisServerProcess } from '@rrl/chaos';
import { RedisConnectionService } from '@rrl/redis';
import { percentile, sleep, sortedAscending, withTimeout } from '@rrl/common';
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
const PEER_SCENARIOS = ['crash', 'stop-start', 'restart', 'restart-45s', 'pause', 'auth-failure', 'partition', 'latency'];
const argValue = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
/** Recovery takes milliseconds: one run says little on a shared machine, so each scenario runs this often. */
const REPEAT = Number(argValue('--repeat') ?? 5);

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
  /** The lab only: target back → its Redis connection ready (negative: the probe saw it first). */
  connectionReadyMs?: number | null;
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

function warmWithin(p: ReadPath, ids: number[], ms: number): Promise<Map<number, number>> {
  return withTimeout(warm(p, ids), ms, 'warm-up');
}

async function runOne(
  base: string,
  readyAt: number[] | null,
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
  // The chaos runner marks "back" once the target says so; the probe may have seen it a moment earlier.
  const ready = readyAt?.find((t) => t >= backAt - 1000);
  const connectionReadyMs = readyAt ? (ready === undefined ? null : ready - backAt) : undefined;
  return {
    row: { path: p.name, inMemory: slot.inMemory, tally, recoverMs: back === null ? null : back - backAt, connectionReadyMs, note: notes },
    run,
  };
}

const fmt = (n: number | null) => (n === null ? 'n/a' : String(Math.round(n)));

function failedCell(t: Tally): string {
  if (!t.failed) return '0';
  const kinds = Object.entries(t.failedCodes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v}× ${k}`);
  return `${t.failed} (${kinds.slice(0, 2).join(', ')}${kinds.length > 2 ? ', …' : ''})`;
}

/** One path's runs of one scenario. */
interface PathRuns {
  path: string;
  inMemory: boolean;
  tallies: Tally[];
  recoverMs: (number | null)[];
  connectionReadyMs: (number | null | undefined)[];
  notes: string[];
}

function byPath(rows: Row[][]): PathRuns[] {
  const paths = new Map<string, PathRuns>();
  for (const row of rows.flat()) {
    const p = paths.get(row.path) ?? {
      path: row.path,
      inMemory: row.inMemory,
      tallies: [],
      recoverMs: [],
      connectionReadyMs: [],
      notes: [],
    };
    p.tallies.push(row.tally);
    p.recoverMs.push(row.recoverMs);
    p.connectionReadyMs.push(row.connectionReadyMs);
    if (row.note) p.notes.push(row.note);
    paths.set(row.path, p);
  }
  return [...paths.values()];
}

/** Median and max of the runs that recovered; null when none did. */
function recoveryOf(ms: (number | null)[]): { median: number; max: number; never: number } | null {
  const got = sortedAscending(ms.filter((m): m is number => m !== null));
  if (got.length === 0) return null;
  return { median: percentile(got, 50)!, max: got.at(-1)!, never: ms.length - got.length };
}

function printScenario(name: string, run: ChaosRun, rows: Row[][], attemptsPerSecond: (number | null)[]): void {
  const fault = Object.entries(run.params)
    .filter(([k]) => !/target/i.test(k))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  console.log(`\n#### ${name} (${fault}; ${rows.length} run${rows.length === 1 ? '' : 's'} per path)\n`);
  console.log(
    '| read path | reads served per run | failed | HUNG (> 10 s) | stale | p99 ms | max wait ms | recover median ms | recover max ms | per run ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const p of byPath(rows)) {
    const sum = (f: (t: Tally) => number) => p.tallies.reduce((n, t) => n + f(t), 0);
    const failed = sum((t) => t.failed);
    const codes = p.tallies.reduce<Record<string, number>>((all, t) => {
      for (const [k, v] of Object.entries(t.failedCodes)) all[k] = (all[k] ?? 0) + v;
      return all;
    }, {});
    const latencies = sortedAscending(p.tallies.flatMap((t) => t.latencies));
    const r = recoveryOf(p.recoverMs);
    const never = p.inMemory ? 'n/a (answers from L1)' : `never (> ${RECOVERY_WAIT_MS / 1000} s)`;
    const note = [...new Set(p.notes)].join('; ');
    console.log(
      `| ${p.path}${note ? ` (${note})` : ''} | ${Math.round(sum((t) => t.served) / p.tallies.length)} | ` +
        `${failedCell({ ...newTally(), failed, failedCodes: codes })} | ${sum((t) => t.hung)} | ${sum((t) => t.stale)} | ` +
        `${fmt(percentile(latencies, 99))} | ${fmt(Math.max(...p.tallies.map((t) => t.maxWaitMs)))} | ` +
        `${r ? fmt(r.median) : never} | ${r ? `${fmt(r.max)}${r.never ? ` (${r.never}× never)` : ''}` : never} | ${p.recoverMs.map(fmt).join(', ')} |`,
    );
  }
  const m = run.metrics;
  const rates = attemptsPerSecond.filter((a): a is number => a !== null);
  console.log(
    `\n(the chaos run's own report, for the lab, first run: time to detect ${fmt(m.timeToDetectMs)} ms, time to recover ${fmt(m.timeToRecoverMs)} ms; ` +
      `full reconnect attempts per second of outage, per run: ${rates.length ? rates.map((a) => a.toFixed(2)).join(', ') : 'n/a'})`,
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
  const readyAt: number[] = [];
  app.get(RedisConnectionService).events.on('ready', () => readyAt.push(Date.now()));
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
  const results: { scenario: string; run: ChaosRun; rows: Row[][]; attemptsPerSecond: (number | null)[] }[] = [];
  for (const [name, params, label = name] of scenarios.filter(([n, , l]) => !only || only.includes(l ?? n))) {
    const rows: Row[][] = [];
    const attemptsPerSecond: (number | null)[] = [];
    /** The run the lab's clients saw first (the first path); its report measures the lab app. */
    let labRun: ChaosRun | null = null;
    for (let rep = 1; rep <= REPEAT; rep++) {
      const repRows: Row[] = [];
      for (const slot of slots) {
        const first = repRows.length === 0;
        const before = first ? (await json<RedisStatus>(base, 'GET', '/api/redis/status')).body.stats : null;
        const { row, run } = await runOne(base, first ? readyAt : null, slot, ids, name, params);
        if (before) attemptsPerSecond.push(reconnectRate(before, (await json<RedisStatus>(base, 'GET', '/api/redis/status')).body.stats));
        repRows.push(row);
        labRun ??= run;
        const t = row.tally;
        console.log(
          `  ${label} #${rep} / ${row.path}: ${t.served} served, ${t.failed} failed ${JSON.stringify(t.failedCodes)}, ${t.hung} hung, ${t.stale} stale, ` +
            `recover ${fmt(row.recoverMs)} ms${row.connectionReadyMs === undefined ? '' : ` (connection ready ${fmt(row.connectionReadyMs)} ms)`}, writes ${JSON.stringify(t.writes)}, sources ${JSON.stringify(t.bySource)}`,
        );
      }
      rows.push(repRows);
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
      repeat: REPEAT,
      scenarios: results.map((r) => {
        const rates = sortedAscending(r.attemptsPerSecond.filter((a): a is number => a !== null));
        return {
          scenario: r.scenario,
          params: Object.fromEntries(Object.entries(r.run.params).filter(([k]) => !/target/i.test(k))),
          labRun: { timeToDetectMs: r.run.metrics.timeToDetectMs, timeToRecoverMs: r.run.metrics.timeToRecoverMs },
          // Median over the runs; each run's figure beside it.
          attemptsPerSecond: rates.length ? percentile(rates, 50)! : null,
          attemptsPerSecondRuns: r.attemptsPerSecond,
          rows: byPath(r.rows).map((p) => {
            const sum = (f: (t: Tally) => number) => p.tallies.reduce((n, t) => n + f(t), 0);
            const recovery = recoveryOf(p.recoverMs);
            return {
              path: p.path,
              inMemory: p.inMemory,
              // Per run (the mean); failed, hung and stale are summed over the runs.
              served: Math.round(sum((t) => t.served) / p.tallies.length),
              failed: sum((t) => t.failed),
              failedCodes: p.tallies.reduce<Record<string, number>>((all, t) => {
                for (const [k, v] of Object.entries(t.failedCodes)) all[k] = (all[k] ?? 0) + v;
                return all;
              }, {}),
              hung: sum((t) => t.hung),
              stale: sum((t) => t.stale),
              p99Ms: percentile(sortedAscending(p.tallies.flatMap((t) => t.latencies)), 99) ?? null,
              maxWaitMs: Math.max(...p.tallies.map((t) => t.maxWaitMs)),
              // The median run; max and every run beside it.
              recoverMs: recovery?.median ?? null,
              recoverMaxMs: recovery?.max ?? null,
              recoverRunsMs: p.recoverMs,
              connectionReadyRunsMs: p.connectionReadyMs,
              servedRuns: p.tallies.map((t) => t.served),
              bySourceRuns: p.tallies.map((t) => t.bySource),
              writesRuns: p.tallies.map((t) => t.writes),
              note: [...new Set(p.notes)].join('; '),
            };
          }),
        };
      }),
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
    ...PEERS.filter((spec) => !process.env.BENCH_PEERS || process.env.BENCH_PEERS.split(',').includes(spec.id)).map((spec) => ({
      path: spec.create(env),
      inMemory: spec.inMemory,
      rebuild: () => spec.create(env),
      rebuilt: 0,
    })),
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
const topology = argValue('--topology') ?? 'single';
(topology === 'sentinel' ? runSentinelMatrix({ clients: CLIENTS, users: USERS }) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
