/**
 * The loop test's throughput: LoadTestService running 1 000 000 cache-hit reads at concurrency 64
 * (the real run: progress ticks, histogram, outage tracking, history saves) against a raw ioredis
 * GET + JSON.parse loop of the same size and concurrency, auto-pipelining on for both. Target >= 0.85.
 * Called from bench/run.ts; its row joins the read-path table.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { LoadTestRun } from '@rrl/contracts';
import { UserCacheService } from '@rrl/cache';
import { LoadTestService } from '@rrl/loadtest';
import type { Redis } from 'ioredis';
import { compareMany } from './support';

const ITERATIONS = 1_000_000;
/** Each round runs both loops to the end (~7 s each here): fewer rounds than the time-boxed benches. */
const ROUNDS = Number(process.env.BENCH_LOOP_ROUNDS ?? 5);

export interface LoopBenchSetup {
  app: INestApplicationContext;
  /** A raw client with enableAutoPipelining, on the same Redis. */
  raw: Redis;
  prefix: string;
  /** Users 1..users are cached. */
  users: number;
  concurrency: number;
}

export async function benchLoopTest({ app, raw, prefix, users, concurrency }: LoopBenchSetup) {
  const loadtests = app.get(LoadTestService);
  const cache = app.get(UserCacheService);
  const loopTest = async (): Promise<number> => {
    await cache.warm({}); // the earlier benches outlast the TTL: every read here must be a hit
    const ended = new Promise<LoadTestRun>((resolve) => loadtests.events.once('ended', resolve));
    await loadtests.start({ iterations: ITERATIONS, concurrency, readRatio: 1, keys: { distribution: 'uniform', count: users } });
    const run = await ended;
    if (run.progress.failed || run.progress.readsBySource.redis !== ITERATIONS)
      throw new Error(`loop test not all hits: ${JSON.stringify(run.progress)}`);
    return run.progress.averageRatePerSecond;
  };
  const rawLoop = async (): Promise<number> => {
    await cache.warm({});
    let started = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < ITERATIONS) {
          started++;
          JSON.parse((await raw.get(`${prefix}${1 + Math.floor(Math.random() * users)}`))!);
        }
      }),
    );
    return (ITERATIONS / (performance.now() - t0)) * 1000;
  };
  console.log(`loop test: ${ROUNDS} interleaved rounds of ${ITERATIONS} iterations each`);
  const c = await compareMany(ROUNDS, { raw: rawLoop, loopTest });
  return {
    row: {
      bench: `loop test (${ITERATIONS / 1e6} M cache-hit reads, LoadTestService) vs raw ioredis GET+JSON.parse loop`,
      baseline: c.medians.raw,
      measured: c.medians.loopTest,
      ratio: c.ratio('loopTest', 'raw'),
      target: 0.85,
    },
    options: { iterations: ITERATIONS, rounds: ROUNDS, readRatio: 1, distribution: 'uniform' },
    samples: c.samples,
  };
}
