/**
 * Read-path benchmarks; prints ratios against a baseline measured in the same process.
 *   1. In-process cache hit (UserCacheService.get) vs raw ioredis GET + JSON.parse, same concurrency,
 *      auto-pipelining on for both. Target >= 0.8.
 *   2. GET /api/users/:id cache hit over HTTP (autocannon) vs a bare Fastify route doing the same
 *      ioredis GET + JSON.parse. Target >= 0.85. Two more HTTP rows show where the gap to it is:
 *      the cache on bare Fastify, and the cache on a native route inside the Nest app's Fastify.
 * Run: npm run bench   (builds first; uses the compiled libs, a private redis-server and in-memory SQLite)
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { UserCacheService } from '@rrl/cache';
import { RedisServerProcess } from '@rrl/chaos';
import { loadConfig } from '@rrl/config';
import { DatabaseConnectionService } from '@rrl/users';
import { RedisConnectionService } from '@rrl/redis';
import { compare, compareMany, measure } from './support';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');

const USERS = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * autocannon in a worker thread (its own core), cycling through 100 user ids. `url` ends with the
 * route prefix, e.g. http://127.0.0.1:1234/api/users/.
 */
async function autocannonRps(url: string): Promise<number> {
  const base = new URL(url);
  const requests = Array.from({ length: 100 }, (_, i) => ({ method: 'GET' as const, path: `${base.pathname}${1 + ((i * 37) % USERS)}` }));
  const result = await autocannon({ url: base.origin, connections: CONCURRENCY, duration: ROUND_MS / 1000, workers: 1, requests });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total / (ROUND_MS / 1000);
}

async function main(): Promise<void> {
  const redis = await RedisServerProcess.start();
  try {
    await bench(redis);
  } finally {
    await redis.stop(); // also when the bench fails: never leave a redis-server behind
  }
}

async function bench(redis: RedisServerProcess): Promise<void> {
  const config = loadConfig({
    env: {},
    overrides: { port: 0, host: '127.0.0.1', redis: { host: '127.0.0.1', port: redis.port }, sqlite: { file: ':memory:' }, logging: { level: 'error', pretty: false } },
  });
  const app = await createApp(await prepareLabRuntime(config));
  // Measurement only: the cache on a plain Fastify route of the same instance, so Nest's adapter
  // hooks apply but not its router (execution context, response handling).
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get<{ Params: { id: string } }>('/bench-native/:id', (req) => app.get(UserCacheService).get(Number(req.params.id)));
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
  if (JSON.parse((await raw.get(`${prefix}7`))!).email !== sample.email) throw new Error('baseline and lab disagree');

  console.log(`bench: ${USERS} users cached, concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms`);
  const inProcess = await compare(
    ROUNDS,
    async () => (await measure(CONCURRENCY, ROUND_MS, async () => JSON.parse((await raw.get(`${prefix}${randomId()}`))!))).opsPerSec,
    async () => {
      const r = await measure(CONCURRENCY, ROUND_MS, () => cache.get(randomId()));
      return r.opsPerSec;
    },
  );

  // Over HTTP, four servers in this process answer the same cache hit; the last two split the
  // lab's cost into its parts: what the resilience layer costs (UserCacheService on bare Fastify)
  // and what Nest's Fastify adapter adds before any controller runs (its global request hooks).
  const bare = Fastify();
  bare.get<{ Params: { id: string } }>('/raw/:id', async (req) => JSON.parse((await raw.get(`${prefix}${req.params.id}`))!));
  bare.get<{ Params: { id: string } }>('/cache/:id', (req) => cache.get(Number(req.params.id)));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareOrigin = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  const labOrigin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const http = await compareMany(ROUNDS, {
    bare: () => autocannonRps(`${bareOrigin}/raw/`),
    lab: () => autocannonRps(`${labOrigin}/api/users/`),
    cacheOnBare: () => autocannonRps(`${bareOrigin}/cache/`),
    cacheInNestFastify: () => autocannonRps(`${labOrigin}/bench-native/`),
  });
  const ratio = (name: keyof typeof http) => http[name] / http.bare;

  const stats = cache.stats();
  const rows = [
    { bench: 'in-process cache hit vs raw ioredis GET+JSON.parse', baseline: inProcess.baseline, lab: inProcess.candidate, ratio: inProcess.ratio, target: 0.8 },
    { bench: 'HTTP GET /api/users/:id hit vs bare Fastify + ioredis', baseline: http.bare, lab: http.lab, ratio: ratio('lab'), target: 0.85 },
  ];
  const parts = [
    { bench: 'HTTP: UserCacheService.get on bare Fastify (cost of the resilience layer)', baseline: http.bare, lab: http.cacheOnBare, ratio: ratio('cacheOnBare') },
    { bench: "HTTP: same, native route in the Nest app's Fastify (+ Nest's global hooks)", baseline: http.bare, lab: http.cacheInNestFastify, ratio: ratio('cacheInNestFastify') },
  ];
  console.log('\n| benchmark | baseline ops/s | lab ops/s | ratio | target |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.bench} | ${r.baseline.toFixed(0)} | ${r.lab.toFixed(0)} | ${r.ratio.toFixed(2)} | >= ${r.target} ${r.ratio >= r.target ? 'met' : 'MISSED'} |`);
  for (const r of parts) console.log(`| ${r.bench} | ${r.baseline.toFixed(0)} | ${r.lab.toFixed(0)} | ${r.ratio.toFixed(2)} | (where the HTTP gap is) |`);
  console.log(`\ncache during the run: ${stats.hits} hits, ${stats.misses} misses, breaker ${stats.breaker.state}`);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'read-path.json'), JSON.stringify({ at: new Date().toISOString(), concurrency: CONCURRENCY, rows, parts }, null, 2));

  raw.disconnect();
  await bare.close();
  await app.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
