/**
 * Read-path benchmarks; prints ratios against a baseline measured in the same process.
 *   1. In-process cache hit (UserCacheService.get) vs raw ioredis GET + JSON.parse, same concurrency,
 *      auto-pipelining on for both. Target >= 0.8, and CPU per hit <= 1.15x raw's. In the same rounds,
 *      the peers (bench/peers: bentocache and cache-manager, defaults and resilience options, and
 *      bentocache with its in-memory L1 tier) on the same cache hit, each against the same raw
 *      baseline; and each one's CPU time per read, which other work on a shared machine barely moves
 *      (throughput it moves a lot).
 *   2. GET /api/users/:id cache hit over HTTP, driven by wrk (bench/http-hit.ts): the production API
 *      (`node apps/api/dist/main.js`, its own process) vs a bare Fastify + ioredis server (its own
 *      process) on the same cached user in the same Redis. Target >= 0.90. Two more HTTP rows, served
 *      from this process, show where the cost is: the cache on bare Fastify (the resilience layer
 *      alone), and the same read as a Nest controller method (what Nest's router would add; the
 *      reason the lab serves this route natively). Each row also gives the server's CPU per request
 *      (from the kernel), and the table wrk's own CPU share.
 * Run: npm run bench   (builds first, installs wrk when missing; uses the compiled libs, a private
 *   redis-server and in-memory SQLite)
 */
import os from 'node:os';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { UserCacheService } from '@rrl/cache';
import { RedisServerProcess } from '@rrl/chaos';
import { DatabaseConnectionService } from '@rrl/database';
import { UsersRepository } from '@rrl/users';
import { RedisConnectionService } from '@rrl/redis';
import { Controller, Get, Inject, Module, Param, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, RouteSchema, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { UserReadResult } from '@rrl/contracts';
import type { FastifyReply } from 'fastify';
import { compareHttp, HTTP_CONNECTIONS, HTTP_ROUNDS, HTTP_SECONDS, startHitServers } from './http-hit';
import { benchLoopTest } from './loadtest';
import { metricsOverhead } from './metrics-overhead';
import { PEERS } from './peers';
import { benchConfig, compareMany, measure, median, writeResult } from './support';
import { runWrk } from './wrk';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources: the bench measures what `npm start` runs. */
const { USER_READ_RESPONSE_SCHEMA } =
  require('../apps/api/dist/http/user-read.schema') as typeof import('../apps/api/src/http/user-read.schema');
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

const USERS = 1000;

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One in-process read measured against raw ioredis GET + JSON.parse in the same rounds. */
interface InProcessVariant {
  key: string;
  bench: string;
  /** Library, version and options (peers). */
  detail?: string;
  target?: number;
  read: (id: number) => Promise<unknown>;
}

interface Row {
  /** Stable id the report finds the row by: "in-process:<variant>", "http:<variant>", "loop-test". */
  id: string;
  bench: string;
  baseline: number;
  measured: number;
  ratio: { median: number; min: number; max: number };
  /** In-process rows: this process's CPU per read, µs; HTTP rows: the server's CPU per request (kernel's count). */
  cpuMicros?: { baseline: number; measured: number };
  /** CPU per read or request: at most this multiple of the baseline's. */
  cpuTarget?: number;
  target?: number;
}
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

/** Requests per second of one wrk round against `url` (one thread, the HTTP rows' connections). */
const wrkRps = async (url: string) => (await runWrk(url, HTTP_CONNECTIONS, Math.max(1, Math.round(ROUND_MS / 1000)))).requestsPerSec;

async function main(): Promise<void> {
  const redis = await RedisServerProcess.start();
  try {
    await bench(redis);
  } finally {
    await redis.stop(); // also when the bench fails: never leave a redis-server behind
  }
}

async function bench(redis: RedisServerProcess): Promise<void> {
  const config = benchConfig(redis.port);
  const app = await createApp(await prepareLabRuntime(config));
  await app.listen({ port: 0, host: '127.0.0.1' });
  await app.get(DatabaseConnectionService).whenConnected();
  const connection = app.get(RedisConnectionService);
  if (!connection.isReady()) await new Promise((r) => connection.events.once('ready', () => r(undefined)));
  const cache = app.get(UserCacheService);
  for (let i = 1; i <= USERS; i++) await cache.create({ name: `Bench ${i}`, email: `bench${i}@example.test`, city: 'Lisbon' });
  await cache.warm({});
  const prefix = config.redis.caching.keyPrefix;
  const raw = new Redis({ port: redis.port, enableAutoPipelining: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  raw.on('error', () => undefined);
  await new Promise((r) => raw.once('ready', r));
  const randomId = () => 1 + Math.floor(Math.random() * USERS);

  // Sanity: both paths return the same user.
  const sample = (await cache.get(7)).user;
  if ((JSON.parse((await raw.get(`${prefix}7`))!) as { email: string }).email !== sample.email)
    throw new Error('baseline and lab disagree');

  const users = app.get(UsersRepository);
  const peers = PEERS.map((p) => ({
    spec: p,
    path: p.create({ redis: { host: '127.0.0.1', port: redis.port }, users, ttlMs: config.redis.caching.ttl * 1000 }),
  }));
  // Warm-up for everyone: every peer loads the same users from the same database into its own keys.
  for (const { path: peer } of peers) for (let id = 1; id <= USERS; id++) await peer.get(id);

  /**
   * In-process cache hits, each measured against raw ioredis in the same rounds. One entry per row:
   * a new variant (another configuration of the lab, another peer) is one more entry here.
   */
  const variants: InProcessVariant[] = [
    { key: 'lab', bench: 'lab: UserCacheService.get', target: 0.8, read: (id) => cache.get(id) },
    ...peers.map(({ spec, path: peer }) => ({
      key: spec.id,
      bench: `${peer.name}${spec.inMemory ? ' (L1: answers from memory, a different design)' : ''}`,
      detail: peer.description,
      read: (id: number) => peer.get(id),
    })),
  ];

  console.log(`bench: ${USERS} users cached, concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms`);
  const rate = (read: (id: number) => Promise<unknown>) => async () =>
    (await measure(CONCURRENCY, ROUND_MS, () => read(randomId()))).opsPerSec;
  const rawRead = async (id: number) => JSON.parse((await raw.get(`${prefix}${id}`))!) as unknown;
  const inProcess = await compareMany<string>(ROUNDS, {
    raw: rate(rawRead),
    ...Object.fromEntries(variants.map((v) => [v.key, rate(v.read)])),
  });
  const cpu = await cpuPerRead({ raw: rawRead, ...Object.fromEntries(variants.map((v) => [v.key, v.read])) }, randomId);

  // Over HTTP: the production API and the bare server each in its own process, as a user runs them,
  // on keys of their own in the same Redis; the last two rows' servers run in this process (idle
  // while wrk drives them) and show where the cost is: the resilience layer alone (UserCacheService
  // on bare Fastify), and the same read as a Nest controller method, i.e. what the lab would cost had
  // it not served this route natively.
  const servers = await startHitServers(redis, { keyPrefix: 'http-hit:user:' });
  const bare = Fastify();
  bare.get<{ Params: { id: string } }>('/cache/:id', (req) => cache.get(Number(req.params.id)));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareOrigin = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  const labOrigin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const controllerApp = await nestControllerApp(cache);
  const controllerOrigin = (await controllerApp.getUrl()).replace('[::1]', '127.0.0.1');
  console.log(`HTTP: wrk -t1 -c${HTTP_CONNECTIONS}, ${HTTP_ROUNDS} alternating rounds of ${HTTP_SECONDS} s; load average ${loadAverage()}`);
  const http = await compareHttp({
    bare: servers.bare,
    lab: servers.lab,
    cacheOnBare: { url: `${bareOrigin}/cache/7`, pid: process.pid },
    nestController: { url: `${controllerOrigin}/api/users/7`, pid: process.pid },
  }).finally(() => servers.stop());
  const ratio = (name: keyof typeof http.rps.medians) => http.rps.ratio(name, 'bare');
  const m = http.rps.medians;
  const httpCpu = (name: keyof typeof http.serverCpuMicros) => ({
    baseline: http.serverCpuMicros.bare,
    measured: http.serverCpuMicros[name],
  });

  const stats = cache.stats();
  const spread = (r: { min: number; max: number }) => `${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
  const rows: Row[] = [
    ...variants.map((v) => ({
      id: `in-process:${v.key}`,
      bench: `in-process cache hit, ${v.bench}, vs raw ioredis GET+JSON.parse`,
      baseline: inProcess.medians.raw,
      measured: inProcess.medians[v.key],
      ratio: inProcess.ratio(v.key, 'raw'),
      cpuMicros: { baseline: cpu.raw, measured: cpu[v.key] },
      target: v.target,
      cpuTarget: v.key === 'lab' ? 1.15 : undefined,
    })),
    {
      id: 'http:lab',
      bench: 'HTTP GET /api/users/:id hit vs bare Fastify + ioredis',
      baseline: m.bare,
      measured: m.lab,
      ratio: ratio('lab'),
      cpuMicros: httpCpu('lab'),
      target: 0.9,
    },
    {
      id: 'http:cacheOnBare',
      bench: 'HTTP: UserCacheService.get on bare Fastify (cost of the resilience layer)',
      baseline: m.bare,
      measured: m.cacheOnBare,
      ratio: ratio('cacheOnBare'),
      cpuMicros: httpCpu('cacheOnBare'),
    },
    {
      id: 'http:nestController',
      bench: "HTTP: same read as a Nest controller method (what Nest's router adds)",
      baseline: m.bare,
      measured: m.nestController,
      ratio: ratio('nestController'),
      cpuMicros: httpCpu('nestController'),
    },
  ];
  const loop = await benchLoopTest({ app, raw, prefix, users: USERS, concurrency: CONCURRENCY });
  rows.push({ id: 'loop-test', ...loop.row });
  console.log('\nratio = median over rounds of measured/baseline in the same round; spread = lowest–highest round\n');
  console.log('| benchmark | baseline ops/s | measured ops/s | ratio | spread | CPU µs per read (baseline) | target |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const cpuRatio = r.cpuMicros ? r.cpuMicros.measured / r.cpuMicros.baseline : undefined;
    const target = [
      r.target === undefined ? '' : `>= ${r.target} ${r.ratio.median >= r.target ? 'met' : 'MISSED'}`,
      r.cpuTarget === undefined ? '' : `CPU <= ${r.cpuTarget}x ${cpuRatio! <= r.cpuTarget ? 'met' : 'MISSED'} (${cpuRatio!.toFixed(2)}x)`,
    ]
      .filter(Boolean)
      .join(', ');
    const cpuCell = r.cpuMicros ? `${r.cpuMicros.measured.toFixed(1)} (${r.cpuMicros.baseline.toFixed(1)})` : '';
    console.log(
      `| ${r.bench} | ${r.baseline.toFixed(0)} | ${r.measured.toFixed(0)} | ${r.ratio.median.toFixed(2)} | ${spread(r.ratio)} | ${cpuCell} | ${target} |`,
    );
  }
  console.log('\npeers (same Redis, same database, same TTL, same warm-up; each in its own keys):');
  for (const v of variants) if (v.detail) console.log(`  ${v.bench}: ${v.detail}`);
  console.log(
    `\nHTTP rows: wrk's own CPU share ${http.wrkCpuShare.median.toFixed(2)} of a core (highest round ${http.wrkCpuShare.max.toFixed(2)}); ` +
      `load average ${loadAverage()}`,
  );
  console.log(`cache during the run: ${stats.hits} hits, ${stats.misses} misses, breaker ${stats.breaker.state}`);
  const readPathRows = rows.filter((r) => r.id !== 'loop-test');
  writeResult(
    'read-path',
    {
      users: USERS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      httpLoadGenerator: `wrk, 1 thread, ${HTTP_CONNECTIONS} connections, ${HTTP_ROUNDS} alternating rounds of ${HTTP_SECONDS} s`,
      peers: variants.filter((v) => v.detail).map((v) => ({ id: v.key, name: v.bench, options: v.detail })),
    },
    {
      rawCpuMicros: cpu.raw,
      rows: readPathRows,
      wrkCpuShare: http.wrkCpuShare,
      inProcessSamples: inProcess.samples,
      httpSamples: http.rps.samples,
    },
  );
  writeResult('loadtest', { ...loop.options, users: USERS, concurrency: CONCURRENCY }, { row: loop.row, samples: loop.samples });

  await Promise.all(peers.map(({ path: peer }) => peer.close()));
  await metricsOverhead({
    app,
    cache,
    randomId,
    httpRps: () => wrkRps(`${labOrigin}/api/users/7`),
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    concurrency: CONCURRENCY,
  });

  raw.disconnect();
  await controllerApp.close();
  await bare.close();
  await app.close();
}

/**
 * This process's CPU per read for each variant (median of 3 short runs each, µs). Throughput on a
 * shared machine measures how much of the CPU the bench was given as much as the code; CPU time per
 * read measures what a read costs, whatever else runs.
 */
async function cpuPerRead(
  reads: Record<string, (id: number) => Promise<unknown>>,
  randomId: () => number,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, read] of Object.entries(reads)) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await measure(CONCURRENCY, ROUND_MS / 2, () => read(randomId()))).cpuMicrosPerOp);
    out[key] = median(runs);
  }
  return out;
}

/**
 * The same read served the way every other route is: a Nest controller method (with the
 * x-cache-source header through a passthrough reply, and the response schema), on an adapter
 * configured like the lab's. It shares the lab's UserCacheService, so only the HTTP layer differs.
 */
async function nestControllerApp(cache: UserCacheService): Promise<NestFastifyApplication> {
  @Controller('api/users')
  class UserReadController {
    constructor(@Inject(UserCacheService) private readonly users: UserCacheService) {}

    @Get(':id')
    @RouteSchema(USER_READ_RESPONSE_SCHEMA)
    async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserReadResult> {
      const result = await this.users.get(Number(id));
      void reply.header('x-cache-source', result.source);
      return result;
    }
  }
  @Module({ controllers: [UserReadController], providers: [{ provide: UserCacheService, useValue: cache }] })
  class UserReadModule {}
  const adapter = new FastifyAdapter({ skipMiddie: true, routerOptions: { compile: true } });
  const app = await NestFactory.create<NestFastifyApplication>(UserReadModule, adapter, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
