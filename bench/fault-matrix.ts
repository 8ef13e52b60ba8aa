/**
 * Fault matrix: every chaos scenario, started through the HTTP API, while concurrent HTTP clients
 * read and write. Per scenario: reads served, failed reads, stale reads (a client read back an
 * older version of a user than the last write it got a 200 for), client p99, and the run report's
 * time to detect / time to recover. Production timings (config/default.json), a private
 * redis-server behind the fault proxy, and a throw-away MariaDB.
 * Run: npm run bench:faults   (builds first; uses the compiled app)
 */
import fs from 'node:fs';
import path from 'node:path';
import { RedisServerProcess } from '@rrl/chaos';
import { MariaDbProcess } from '@rrl/testing';
import { loadConfig } from '@rrl/config';
import type { CacheStats, ChaosRun, RedisStatus, UserDto, UserReadResult } from '@rrl/contracts';
import { percentile } from './support';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources: the bench measures what `npm start` runs. */
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

const USERS = 200;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const FAULT_MS = Number(process.env.BENCH_FAULT_MS ?? 3000);
/** Share of client operations that are writes (PATCH), the rest reads. */
const WRITE_SHARE = 0.1;
const TOKEN = 'fault-matrix-token';
const REDIS_PASSWORD = 'fault-matrix-redis-pw';

interface Tally {
  served: number;
  failed: number;
  stale: number;
  failedCodes: Record<string, number>;
  latencies: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const versionOf = (name: string) => Number(/ v(\d+)$/.exec(name)?.[1] ?? -1);

async function json<T>(base: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * One client: owns a few users, writes a new version now and then, reads its users (and others)
 * the rest of the time. It knows the last version the API acknowledged for its own users: reading
 * an older one is a stale read.
 */
async function client(
  base: string,
  owned: number[],
  all: number[],
  acked: Map<number, number>,
  tally: Tally,
  running: () => boolean,
): Promise<void> {
  let v = 0;
  while (running()) {
    if (Math.random() < WRITE_SHARE) {
      const id = owned[v % owned.length];
      const version = acked.get(id)! + 1 + v++;
      const res = await json<UserDto>(base, 'PATCH', `/api/users/${id}`, { name: `user ${id} v${version}` }).catch(() => ({
        status: 0,
        body: null,
      }));
      if (res.status === 200) acked.set(id, Math.max(acked.get(id)!, version));
      continue;
    }
    const mine = Math.random() < 0.5;
    const id = mine ? owned[Math.floor(Math.random() * owned.length)] : all[Math.floor(Math.random() * all.length)];
    const before = acked.get(id)!;
    const t0 = performance.now();
    const res = await json<UserReadResult & { code?: string }>(base, 'GET', `/api/users/${id}`).catch(() => ({
      status: 0,
      body: { code: 'NETWORK' } as never,
    }));
    tally.latencies.push(performance.now() - t0);
    if (res.status === 200) {
      tally.served++;
      if (owned.includes(id) && versionOf(res.body.user.name) < before) tally.stale++;
    } else {
      tally.failed++;
      const code = `${res.status} ${res.body?.code ?? ''}`.trim();
      tally.failedCodes[code] = (tally.failedCodes[code] ?? 0) + 1;
    }
  }
}

async function settle(base: string, ids: number[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await json<RedisStatus>(base, 'GET', '/api/redis/status');
    const stats = await json<CacheStats>(base, 'GET', '/api/cache/stats');
    const reads = await Promise.all(ids.slice(0, 5).map((id) => json<UserReadResult>(base, 'GET', `/api/users/${id}`)));
    if (
      status.body.state === 'ready' &&
      stats.body.breaker.state === 'closed' &&
      reads.every((r) => r.status === 200 && r.body.source === 'redis')
    )
      return;
    await sleep(200);
  }
  throw new Error('the lab did not settle (Redis ready, breaker closed, reads from Redis) within 60 s');
}

async function main(): Promise<void> {
  const [redis, maria] = await Promise.all([RedisServerProcess.start({ password: REDIS_PASSWORD }), MariaDbProcess.start()]);
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      redis: { host: '127.0.0.1', port: redis.port, password: REDIS_PASSWORD },
      mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
      chaos: { token: TOKEN, proxy: { enabled: true, listenPort: 0 } },
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
  const acked = new Map(ids.map((id) => [id, 0]));
  await json(base, 'POST', '/api/cache/warm', {});
  const redisTarget = `process:${redis.options.name}`;
  const mysqlTarget = `process:${maria.options.name}`;
  const c = config.redis.connection;
  console.log(
    `fault matrix: ${CLIENTS} HTTP clients (${WRITE_SHARE * 100}% writes), ${USERS} users, faults of ${FAULT_MS} ms; ` +
      `commandTimeout ${c.commandTimeout} ms, heartbeat ${c.heartbeatInterval}/${c.heartbeatTimeout} ms, backoff ${c.retryDelay}..${c.maxRetryDelay} ms, ` +
      `breaker half-open after ${config.redis.resilience.breaker.halfOpenAfter} ms`,
  );

  const scenarios: [string, Record<string, unknown>][] = [
    ['crash', { target: redisTarget, downtimeMs: FAULT_MS }],
    ['stop-start', { target: redisTarget, downtimeMs: FAULT_MS }],
    ['restart', { target: redisTarget, downtimeMs: FAULT_MS }],
    ['pause', { target: redisTarget, durationMs: FAULT_MS }],
    ['auth-failure', { target: redisTarget, durationMs: FAULT_MS }],
    ['partition', { target: redisTarget, durationMs: FAULT_MS }],
    ['latency', { target: redisTarget, durationMs: FAULT_MS, latencyMs: 500, jitterMs: 100 }],
    ['mysql-outage', { target: mysqlTarget, durationMs: FAULT_MS }],
    ['both-down', { target: redisTarget, mysqlTarget, durationMs: FAULT_MS }],
  ];
  // BENCH_SCENARIOS=crash,both-down runs only those.
  const only = process.env.BENCH_SCENARIOS?.split(',').map((n) => n.trim());
  const rows: { scenario: string; tally: Tally; run: ChaosRun }[] = [];
  for (const [name, params] of scenarios.filter(([n]) => !only || only.includes(n))) {
    await settle(base, ids);
    const tally: Tally = { served: 0, failed: 0, stale: 0, failedCodes: {}, latencies: [] };
    let running = true;
    const clients = Array.from({ length: CLIENTS }, (_, k) =>
      client(
        base,
        ids.filter((_, i) => i % CLIENTS === k),
        ids,
        acked,
        tally,
        () => running,
      ),
    );
    await sleep(500);
    const started = await json<ChaosRun>(base, 'POST', `/api/chaos/scenarios/${name}`, params);
    if (started.status !== 202) throw new Error(`${name}: ${started.status} ${JSON.stringify(started.body)}`);
    let run = started.body;
    while (run.status === 'running') {
      await sleep(200);
      run = (await json<ChaosRun>(base, 'GET', `/api/chaos/runs/${run.id}`)).body;
    }
    running = false;
    await Promise.all(clients);
    rows.push({ scenario: name, tally, run });
    console.log(
      `  ${name}: ${run.status}, ${tally.served} served, ${tally.failed} failed ${JSON.stringify(tally.failedCodes)}, ${tally.stale} stale`,
    );
  }

  const fmt = (n: number | null) => (n === null ? 'n/a' : String(Math.round(n)));
  console.log('\n| scenario | fault | reads served | failed reads | stale reads | p99 ms | time to detect ms | time to recover ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const { scenario, tally, run } of rows) {
    const fault = Object.entries(run.params)
      .filter(([k]) => !/target/i.test(k))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    const failed = tally.failed
      ? `${tally.failed} (${Object.entries(tally.failedCodes)
          .map(([k, v]) => `${v}× ${k}`)
          .join(', ')})`
      : '0';
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    console.log(
      `| ${scenario} | ${fault} | ${tally.served} | ${failed} | ${tally.stale} | ${fmt(percentile(sorted, 99))} | ${fmt(run.metrics.timeToDetectMs)} | ${fmt(run.metrics.timeToRecoverMs)} |`,
    );
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'fault-matrix.json'),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        clients: CLIENTS,
        faultMs: FAULT_MS,
        runs: rows.map((r) => ({ ...r, tally: { ...r.tally, latencies: undefined } })),
      },
      null,
      2,
    ),
  );

  await app.close();
  await Promise.all([redis.stop(), maria.stop()]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
