/**
 * Memory stays flat through a long loop test: a 10 000 000-iteration run (LoadTestService, reads
 * over 1 000 zipf-distributed users, LOOP_READ_RATIO of them (default 1), concurrency 64) with its RSS sampled at
 * every 10 s, after a full GC (node --expose-gc) so the figure is what the run retains, not
 * where V8's collector happens to be in its cycle (its sawtooth alone is > 100 MB here). Prints the
 * RSS after the first 1 000 000 iterations, the highest after it and at the end; the target is the
 * end (and the peak) within 50 MB of the first.
 * Run: npm run bench:loadtest-memory   (builds first; private redis-server, in-memory SQLite)
 */
import { RedisServerProcess } from '@rrl/chaos';
import type { LoadTestRun } from '@rrl/contracts';
import { LoadTestService } from '@rrl/loadtest';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { benchConfig, writeResult } from './support';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
   the API's compiled build (dist), typed by its sources, as bench/run.ts does. */
const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

const ITERATIONS = Number(process.env.LOOP_ITERATIONS ?? 10_000_000);
const READ_RATIO = Number(process.env.LOOP_READ_RATIO ?? 1);
const BASELINE_AT = Math.min(1_000_000, Math.floor(ITERATIONS / 10));
const LIMIT_MB = 50;
/** Progress ticks (seconds) between RSS samples. */
const GC_EVERY = 10;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;
const rssAfterGc = () => {
  gc?.();
  return process.memoryUsage().rss;
};

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:loadtest-memory does)');
  const redis = await RedisServerProcess.start();
  const config = benchConfig(redis.port, { logging: { level: 'warn' } });
  const app = await createApp(await prepareLabRuntime(config));
  try {
    await app.init();
    await app.get(DatabaseConnectionService).whenConnected();
    const connection = app.get(RedisConnectionService);
    if (!connection.isReady()) await new Promise((r) => connection.events.once('ready', () => r(undefined)));
    const loadtests = app.get(LoadTestService);
    let baseline: number | null = null;
    let peakAfter = 0;
    let ticks = 0;
    const samples: { done: number; ratePerSecond: number; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number }[] =
      [];
    loadtests.events.on('progress', (run: LoadTestRun) => {
      // A full GC costs the loop time (seconds on a starved machine): one every GC_EVERY ticks, and at the baseline.
      const atBaseline = baseline === null && run.progress.done >= BASELINE_AT;
      if (!atBaseline && ++ticks % GC_EVERY !== 0) return;
      const rss = rssAfterGc();
      if (atBaseline) baseline = rss;
      if (baseline !== null) peakAfter = Math.max(peakAfter, rss);
      // heapUsed next to RSS: what V8 retains; heapTotal what V8 has committed; external what Buffers and
      // native modules hold. RSS beyond their sum is pages the allocator has not returned to the OS.
      const m = process.memoryUsage();
      samples.push({
        done: run.progress.done,
        ratePerSecond: run.progress.ratePerSecond,
        rssMb: mb(rss),
        heapUsedMb: mb(m.heapUsed),
        heapTotalMb: mb(m.heapTotal),
        externalMb: mb(m.external),
      });
      console.log(
        `${run.progress.done}/${ITERATIONS} ${run.progress.ratePerSecond}/s rss ${mb(rss)} MB heapUsed ${mb(m.heapUsed)} MB ` +
          `heapTotal ${mb(m.heapTotal)} MB external ${mb(m.external)} MB`,
      );
    });
    const ended = new Promise<LoadTestRun>((resolve) => loadtests.events.once('ended', resolve));
    await loadtests.start({
      iterations: ITERATIONS,
      concurrency: 64,
      readRatio: READ_RATIO,
      keys: { distribution: 'zipf', count: 1000 },
      seed: true,
    });
    const run = await ended;
    const end = rssAfterGc();
    if (baseline === null) throw new Error('the run ended before the baseline sample');
    const growth = mb(end - baseline);
    const peakGrowth = mb(peakAfter - baseline);
    console.log(
      `${run.status}: ${run.progress.done} iterations, ${run.progress.averageRatePerSecond}/s, success ${(run.progress.successRate * 100).toFixed(3)} %`,
    );
    console.log(
      `RSS after ${BASELINE_AT}: ${mb(baseline)} MB; highest after: ${mb(peakAfter)} MB (+${peakGrowth}); at the end: ${mb(end)} MB (+${growth})`,
    );
    console.log(growth <= LIMIT_MB && peakGrowth <= LIMIT_MB ? `met: within ${LIMIT_MB} MB` : `MISSED: more than ${LIMIT_MB} MB`);
    const afterBaseline = samples.filter((x) => x.done >= BASELINE_AT).map((x) => x.heapUsedMb);
    writeResult(
      'loadtest-memory',
      {
        iterations: ITERATIONS,
        readRatio: READ_RATIO,
        concurrency: 64,
        keys: { distribution: 'zipf', count: 1000 },
        baselineAt: BASELINE_AT,
        limitMb: LIMIT_MB,
      },
      {
        status: run.status,
        done: run.progress.done,
        averageRatePerSecond: run.progress.averageRatePerSecond,
        successRate: run.progress.successRate,
        rssMb: { baseline: mb(baseline), peakAfter: mb(peakAfter), end: mb(end), growth, peakGrowth },
        heapUsedAfterGcMb: { min: Math.min(...afterBaseline), max: Math.max(...afterBaseline) },
        samples,
      },
    );
  } finally {
    await app.close();
    await redis.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
