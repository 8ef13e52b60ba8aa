/**
 * The cache hit over HTTP as a user meets it: the production API (`node apps/api/dist/main.js`, every
 * hook, metrics and logging as shipped, in its own process) against a bare Fastify + ioredis server
 * (bench/bare-server.ts, its own process too) serving the same cached user from the same Redis,
 * driven by wrk (bench/wrk.ts) in alternating rounds. Besides requests per second, each round reads
 * from the kernel the CPU each server spent per request and wrk's own CPU share.
 * bench/run.ts (`npm run bench`) prints these rows with the rest; alone, after `npm run build`:
 *   node -r esbuild-register bench/http-hit.ts
 *   HIT_PROFILE=cpu ...     also profiles both servers over the rounds (bench/results/main.cpuprofile,
 *                           bare-server.cpuprofile) and prints their top frames (bench/profile-summary.ts)
 *   HIT_PROFILE=heap ...    the same with what they allocate (.heapprofile), per request
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedisServerProcess } from '@rrl/chaos';
import { loadConfig } from '@rrl/config';
import { startApi, stopApi, type ApiProcess } from './api-process';
import { summariseHeapProfile, summariseProfile, type CpuProfile, type HeapProfile } from './profile-summary';
import { compareMany, median, type Comparison } from './support';
import { assertWrkInstalled, processCpuSeconds, runWrk } from './wrk';

/** The setup: 5 alternating rounds of 5 s, 50 connections, one wrk thread. */
export const HTTP_ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
export const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
export const HTTP_CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50);
/** The one user every request reads (seeded, then cached before the first round). */
const USER_ID = 7;
const SEEDED_USERS = 1000;
const RESULTS = path.join(__dirname, 'results');
/** bench/profile.preload.ts starts and stops its profiler on this signal. */
const PROFILE_SIGNAL = 'SIGWINCH';

/** A server wrk can drive: the URL of the cached user, and the process whose CPU is counted. */
export interface HttpTarget {
  url: string;
  pid: number;
}

export interface HttpComparison<K extends string> {
  rps: Comparison<K>;
  /** Per target, median over rounds of the server's CPU per request, µs. */
  serverCpuMicros: Record<K, number>;
  /** Requests each target served, warm-up round included. */
  requests: Record<K, number>;
  /** wrk's CPU share (1 = one core), median and highest round. */
  wrkCpuShare: { median: number; max: number };
}

/** wrk against each target in compareMany's alternating rounds (one unmeasured warm-up round each). */
export async function compareHttp<K extends string>(targets: Record<K, HttpTarget>, rounds = HTTP_ROUNDS): Promise<HttpComparison<K>> {
  assertWrkInstalled();
  const names = Object.keys(targets) as K[];
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const wrkShares: number[] = [];
  const requests = Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
  const round = (name: K) => async () => {
    const { url, pid } = targets[name];
    const cpu0 = processCpuSeconds(pid);
    const r = await runWrk(url, HTTP_CONNECTIONS, HTTP_SECONDS);
    cpu[name].push(((processCpuSeconds(pid) - cpu0) * 1e6) / r.requests);
    wrkShares.push(r.wrkCpuShare);
    requests[name] += r.requests;
    return r.requestsPerSec;
  };
  const rps = await compareMany(rounds, Object.fromEntries(names.map((n) => [n, round(n)])) as Record<K, () => Promise<number>>);
  const measured = wrkShares.slice(names.length); // after the warm-up rounds
  return {
    rps,
    serverCpuMicros: Object.fromEntries(names.map((n) => [n, median(cpu[n].slice(1))])) as Record<K, number>,
    requests,
    wrkCpuShare: { median: median(measured), max: Math.max(...measured) },
  };
}

export interface HitServers {
  lab: HttpTarget;
  bare: HttpTarget;
  api: ApiProcess;
  stop(): Promise<void>;
}

export interface HitServerOptions {
  /** Node flags for both servers (a CPU profile's preload, V8 flags). */
  nodeArgs?: string[];
  /** Environment for both, on top of this process's. */
  env?: Record<string, string>;
  /** Both servers' cache key prefix (the API's redis.caching.keyPrefix; its default otherwise). */
  keyPrefix?: string;
}

/** The production API (SQLite in its data folder, seeded, over `redis`) and the bare server, with USER_ID cached. */
export async function startHitServers(redis: RedisServerProcess, options: HitServerOptions = {}): Promise<HitServers> {
  const { nodeArgs = [], env = {} } = options;
  const keyPrefix = options.keyPrefix ?? loadConfig({ env: {} }).redis.caching.keyPrefix;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-http-hit-'));
  const api = await startApi({
    dir,
    env: { ...env, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port) },
    config: { seed: { onFirstStart: true, users: SEEDED_USERS }, redis: { caching: { keyPrefix } } },
    nodeArgs,
  });
  let bare: ChildProcess | undefined;
  try {
    // Read until Redis answers: the first read may be the miss that fills the key.
    for (let i = 0; ; i++) {
      const res = await fetch(`${api.base}/api/users/${USER_ID}`);
      if (res.ok && res.headers.get('x-cache-source') === 'redis') break;
      if (i === 50) throw new Error(`user ${USER_ID} never came from Redis (last: ${res.status} ${res.headers.get('x-cache-source')})`);
    }
    bare = spawn(process.execPath, [...nodeArgs, '-r', 'esbuild-register', path.join(__dirname, 'bare-server.ts')], {
      env: { ...process.env, ...env, BARE_REDIS_PORT: String(redis.port), BARE_KEY_PREFIX: keyPrefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const barePort = await new Promise<number>((resolve, reject) => {
      bare!.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
      bare!.stdout!.on('data', (d: Buffer) => {
        const port = /listening (\d+)/.exec(String(d))?.[1];
        if (port) resolve(Number(port));
      });
    });
    const bareChild = bare;
    return {
      api,
      lab: { url: `${api.base}/api/users/${USER_ID}`, pid: api.child.pid! },
      bare: { url: `http://127.0.0.1:${barePort}/raw/${USER_ID}`, pid: bareChild.pid! },
      async stop() {
        await stopApi(api.child);
        await stopApi(bareChild);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopApi(api.child);
    if (bare) await stopApi(bare);
    throw e;
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const profile = process.env.HIT_PROFILE;
  if (profile) fs.mkdirSync(RESULTS, { recursive: true });
  const preload = ['-r', 'esbuild-register', '-r', path.join(__dirname, 'profile.preload.ts')];
  const redis = await RedisServerProcess.start();
  try {
    const servers = await startHitServers(
      redis,
      profile ? { nodeArgs: preload, env: { RRL_PROFILE: profile, RRL_PROFILE_DIR: RESULTS } } : {},
    );
    const profiledPids = [servers.api.child.pid!, servers.bare.pid];
    const profiled = (name: string) => path.join(RESULTS, `${name}.${profile === 'heap' ? 'heap' : 'cpu'}profile`);
    if (profile) for (const pid of profiledPids) process.kill(pid, PROFILE_SIGNAL); // starts the profilers
    try {
      console.log(
        `http-hit: wrk -t1 -c${HTTP_CONNECTIONS}, ${HTTP_ROUNDS} alternating rounds of ${HTTP_SECONDS} s; load average ${loadAverage()}`,
      );
      const c = await compareHttp({ bare: servers.bare, lab: servers.lab });
      const ratio = c.rps.ratio('lab', 'bare');
      console.log(
        `lab ${c.rps.medians.lab.toFixed(0)} req/s vs bare ${c.rps.medians.bare.toFixed(0)}: ${ratio.median.toFixed(2)} ` +
          `(rounds ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}); server CPU per request ${c.serverCpuMicros.lab.toFixed(1)} µs vs ` +
          `${c.serverCpuMicros.bare.toFixed(1)} µs (${(c.serverCpuMicros.bare / c.serverCpuMicros.lab).toFixed(2)}); ` +
          `wrk CPU share ${c.wrkCpuShare.median.toFixed(2)} (max ${c.wrkCpuShare.max.toFixed(2)}); load average ${loadAverage()}`,
      );
      console.log(JSON.stringify(c.rps.samples));
      if (profile) {
        for (const name of ['main', 'bare-server']) fs.rmSync(profiled(name), { force: true });
        for (const pid of profiledPids) process.kill(pid, PROFILE_SIGNAL); // stops them and writes the profiles
        const runs = [
          ['main', 'the API (main.js)', c.requests.lab],
          ['bare-server', 'the bare server', c.requests.bare],
        ] as const;
        for (const [name, label, requests] of runs) {
          for (let i = 0; !fs.existsSync(profiled(name)) && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
          const data: unknown = JSON.parse(fs.readFileSync(profiled(name), 'utf8'));
          const summary =
            profile === 'heap'
              ? summariseHeapProfile(data as HeapProfile, { requests })
              : summariseProfile(data as CpuProfile, { requests });
          console.log(`\n${label}: ${summary}`);
        }
      }
    } finally {
      await servers.stop();
    }
  } finally {
    await redis.stop();
  }
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
