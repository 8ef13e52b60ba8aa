/**
 * Shared bench plumbing: closed-loop workers, interleaved rounds, medians, the in-process API's config,
 * JSON requests to the API, and the one writer of bench results (bench/results/<bench>-<timestamp>.json).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deepMerge, percentile } from '@rrl/common';
import { loadConfig, type AppConfig, type DeepPartial } from '@rrl/config';
import { installedVersion } from './peers/installed-version';

export interface Rate {
  ops: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  /** This process's CPU (user + system) per op, µs: unlike throughput, barely moved by other work on the machine. */
  cpuMicrosPerOp: number;
}

/** `concurrency` closed-loop workers calling `op` for `ms` milliseconds. */
export async function measure(concurrency: number, ms: number, op: (i: number) => Promise<unknown>): Promise<Rate> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await op(n++);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    opsPerSec: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50) ?? 0,
    p99: percentile(latencies, 99) ?? 0,
    cpuMicrosPerOp: (cpu.user + cpu.system) / Math.max(1, latencies.length),
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per-variant medians, and each variant's ratio to a baseline as the median of per-round ratios. */
export interface Comparison<K extends string> {
  medians: Record<K, number>;
  samples: Record<K, number[]>;
  /** Median over rounds of variant/baseline within the same round, with the spread of those ratios. */
  ratio(variant: K, baseline: K): { median: number; min: number; max: number };
}

/**
 * Several variants: one unmeasured warm-up round each (JIT, connection pools), then `rounds`
 * rounds, the order reversed every other round (ABBA for two) so drift and GC debt hit all alike.
 * Ratios pair the variants within a round (they ran seconds apart), which cancels the machine's
 * slow drift far better than dividing two medians taken across all rounds.
 */
export async function compareMany<K extends string>(rounds: number, variants: Record<K, () => Promise<number>>): Promise<Comparison<K>> {
  const names = Object.keys(variants) as K[];
  for (const n of names) await variants[n]();
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < rounds; i++) {
    for (const n of i % 2 === 0 ? names : [...names].reverse()) samples[n].push(await variants[n]());
  }
  return {
    medians: Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>,
    samples,
    ratio(variant, baseline) {
      const ratios = samples[variant].map((v, i) => v / samples[baseline][i]);
      return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
    },
  };
}

/** A candidate against a baseline (compareMany with two variants). */
export async function compare(rounds: number, baseline: () => Promise<number>, candidate: () => Promise<number>) {
  const c = await compareMany(rounds, { baseline, candidate });
  return { ...c.medians, ...c.ratio('candidate', 'baseline') };
}

/**
 * The in-process API's config: on a free port, over the bench's redis-server, SQLite in memory,
 * JSON logs at error level (the bench prints its own results); `overrides` merged on top.
 */
export function benchConfig(redisPort: number, overrides: DeepPartial<AppConfig> = {}): AppConfig {
  const base = {
    port: 0,
    host: '127.0.0.1',
    redis: { host: '127.0.0.1', port: redisPort },
    sqlite: { file: ':memory:' },
    logging: { level: 'error', format: 'json' },
  };
  return loadConfig({ env: {}, overrides: deepMerge(base, overrides) });
}

/** The chaos token the fault benches configure their API with and send. */
export const BENCH_TOKEN = 'fault-matrix-token';

/** A request to the API at `base` with the bench's chaos token; the reply's JSON body (undefined when empty). */
export async function json<T>(base: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** When this bench process started, and the machine's load then: a result records both ends of the run. */
const STARTED_AT = new Date();
const LOAD_AT_START = os.loadavg();
const RESULTS_DIR = path.join(__dirname, 'results');
/** The lab's and the peers' packages whose versions a result records (read from node_modules). */
const RECORDED_PACKAGES = [
  'ioredis',
  'fastify',
  '@nestjs/core',
  'typeorm',
  'mysql2',
  'better-sqlite3',
  'cockatiel',
  'bentocache',
  'cache-manager',
  '@keyv/redis',
  'keyv',
  '@redis/client',
  'autocannon',
];

/** What every bench result holds besides its figures: when, where, with what, and how it was run. */
export interface BenchResult<F = unknown> {
  /** The kind of bench ("read-path", "fault-matrix-peers", ...): the report keeps the latest of each. */
  bench: string;
  date: string;
  finishedAt: string;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGb: number;
    /** 1, 5 and 15 minute load averages when the bench started and when it ended. */
    loadAverage: { start: number[]; end: number[] };
    os: string;
  };
  versions: { lab: string; node: string; redisServer: string | null; mariadb: string | null; packages: Record<string, string | null> };
  options: Record<string, unknown>;
  figures: F;
}

/** First line of `<binary> --version`, or null when the binary is not installed. */
function binaryVersion(binary: string, pattern: RegExp): string | null {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return pattern.exec(out)?.[1] ?? out.split('\n')[0].trim();
  } catch {
    return null;
  }
}

/** A package's installed version, or null when it is not installed (a result is still worth writing). */
function packageVersion(pkg: string): string | null {
  try {
    return installedVersion(pkg);
  } catch {
    return null;
  }
}

function osName(): string {
  const release = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1];
  return `${pretty ?? os.type()} (${os.type()} ${os.release()} ${os.arch()})`;
}

const round2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);

/**
 * Writes one bench's result to bench/results/<bench>-<timestamp>.json with the machine, the versions
 * and the options it ran with; `npm run bench:report` turns the latest of each kind into the docs' tables.
 */
export function writeResult<F>(bench: string, options: Record<string, unknown>, figures: F): string {
  const lab = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  const result: BenchResult<F> = {
    bench,
    date: STARTED_AT.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverage: { start: round2(LOAD_AT_START), end: round2(os.loadavg()) },
      os: osName(),
    },
    versions: {
      lab: lab.version,
      node: process.version,
      redisServer: binaryVersion('redis-server', /v=(\S+)/),
      mariadb: binaryVersion('mariadbd', /Ver (\S+)/),
      packages: Object.fromEntries(RECORDED_PACKAGES.map((p) => [p, packageVersion(p)])),
    },
    options,
    figures,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = STARTED_AT.toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const file = path.join(RESULTS_DIR, `${bench}-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`result: ${path.relative(process.cwd(), file)}`);
  return file;
}
