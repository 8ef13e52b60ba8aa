/**
 * What counting costs on the cache-hit paths: the same app with read metrics on (the default) and
 * off (MetricsService.detachReads(): the cache then emits no read events at all), in interleaved
 * rounds of the same run. Target: on >= 0.97 x off, in process and over HTTP.
 * Called from bench/run.ts (`npm run bench`), on the app and cache it built.
 */
import { EventEmitter } from 'node:events';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { UserCacheService } from '@rrl/cache';
import type { ReadOutcome } from '@rrl/contracts';
import { MetricsRecorder } from '@rrl/metrics';
import { compareMany, measure, median, writeResult } from './support';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), as bench/run.ts loads it: app.get() needs the same class object. */
const { MetricsService } = require('../apps/api/dist/metrics/metrics.service') as typeof import('../apps/api/src/metrics/metrics.service');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

const TARGET = 0.97;

export interface OverheadBench {
  app: NestFastifyApplication;
  cache: UserCacheService;
  randomId: () => number;
  /** Requests per second of GET <labOrigin>/api/users/:id for one round (autocannon). */
  httpRps: () => Promise<number>;
  rounds: number;
  roundMs: number;
  concurrency: number;
}

export async function metricsOverhead(b: OverheadBench): Promise<void> {
  const metrics = b.app.get(MetricsService);
  const withMetrics = <T>(on: boolean, run: () => Promise<T>) => {
    if (on) metrics.attachReads();
    else metrics.detachReads();
    return run();
  };
  // Reads per CPU-second of this process, per round: on a shared machine other processes steal wall
  // time from both variants alike, but not CPU time from the process measured.
  const perCpuSecond: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const inProcess = (on: boolean) =>
    withMetrics(on, async () => {
      const cpu = process.cpuUsage();
      const r = await measure(b.concurrency, b.roundMs, () => b.cache.get(b.randomId()));
      const used = process.cpuUsage(cpu);
      perCpuSecond[on ? 'on' : 'off'].push(r.ops / ((used.user + used.system) / 1e6));
      return r.opsPerSec;
    });
  const readsBefore = metrics.snapshot().totals.reads.redis;
  const onVsOff = async (id: 'in-process' | 'http', bench: string, variant: (on: boolean) => Promise<number>) => {
    const c = await compareMany(b.rounds, { off: () => variant(false), on: () => variant(true) });
    return { id, bench, baseline: c.medians.off, candidate: c.medians.on, ...c.ratio('on', 'off') };
  };
  const rows = [
    await onVsOff('in-process', 'in-process cache hit, metrics on vs off', inProcess),
    await onVsOff('http', 'HTTP GET /api/users/:id hit, metrics on vs off', (on) => withMetrics(on, b.httpRps)),
  ];
  metrics.attachReads();
  // Skip the warm-up round compareMany() runs first for each variant.
  const cpuRatios = perCpuSecond.on.slice(1).map((on, i) => on / perCpuSecond.off[i + 1]);
  const cpu = { median: median(cpuRatios), min: Math.min(...cpuRatios), max: Math.max(...cpuRatios) };
  const counted = metrics.snapshot().totals.reads.redis - readsBefore;
  const perRead = recordCostNs();
  const opCpuNs = 1e9 / median(perCpuSecond.off);

  console.log(`\nmetrics overhead (${b.rounds} interleaved rounds of ${b.roundMs} ms; reads counted while on: ${counted})\n`);
  console.log('| benchmark | metrics off ops/s | metrics on ops/s | ratio | spread | target |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const verdict = r.median >= TARGET ? 'met' : 'MISSED';
    console.log(
      `| ${r.bench} | ${r.baseline.toFixed(0)} | ${r.candidate.toFixed(0)} | ${r.median.toFixed(3)} | ${r.min.toFixed(2)}–${r.max.toFixed(2)} | >= ${TARGET} ${verdict} |`,
    );
  }
  console.log(
    `| in-process cache hit, reads per CPU-second of the process, on vs off | ${median(perCpuSecond.off).toFixed(0)} | ${median(perCpuSecond.on).toFixed(0)} | ${cpu.median.toFixed(3)} | ${cpu.min.toFixed(2)}–${cpu.max.toFixed(2)} | (load-independent view) |`,
  );
  console.log(
    `| what one read costs metrics (emit + recordRead, CPU, tight loop) vs a whole cache hit (CPU per op, metrics off) | ${opCpuNs.toFixed(0)} ns | +${perRead.toFixed(0)} ns | ${(opCpuNs / (opCpuNs + perRead)).toFixed(3)} | | (derived) |`,
  );
  writeResult(
    'metrics-overhead',
    { rounds: b.rounds, roundMs: b.roundMs, concurrency: b.concurrency, target: TARGET },
    { counted, rows, cpu, perCpuSecond, recordCostNs: perRead, cacheHitCpuNs: opCpuNs },
  );
}

/**
 * CPU nanoseconds per read that metrics add on the hot path, measured alone: what the cache does
 * for a listened read (allocate the outcome, emit) plus MetricsRecorder.recordRead.
 */
function recordCostNs(): number {
  const events = new EventEmitter<{ read: [ReadOutcome] }>();
  const recorder = new MetricsRecorder();
  events.on('read', (o) => recorder.recordRead(o));
  const n = 2_000_000;
  const run = () => {
    for (let i = 0; i < n; i++)
      if (events.listenerCount('read') > 0)
        events.emit('read', { source: 'redis', durationMs: 0.1 + (i % 97) / 50, ok: true, cache: 'hit' });
  };
  run(); // JIT warm-up
  const cpu = process.cpuUsage();
  run();
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) * 1000) / n;
}
