/** Shared bench plumbing: closed-loop workers, interleaved rounds, medians. */
export interface Rate {
  ops: number;
  opsPerSec: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

/** `concurrency` closed-loop workers calling `op` for `ms` milliseconds. */
export async function measure(concurrency: number, ms: number, op: (i: number) => Promise<unknown>): Promise<Rate> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  let n = 0;
  const t0 = performance.now();
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
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, opsPerSec: (latencies.length / elapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * One unmeasured warm-up round each (JIT, connection pools), then `rounds` pairs in ABBA order
 * (baseline first in even pairs, candidate first in odd ones) so drift and GC debt hit both
 * sides alike; compares medians.
 */
export async function compare(rounds: number, baseline: () => Promise<number>, candidate: () => Promise<number>) {
  await baseline();
  await candidate();
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      b.push(await baseline());
      c.push(await candidate());
    } else {
      c.push(await candidate());
      b.push(await baseline());
    }
  }
  return { baseline: median(b), candidate: median(c), ratio: median(c) / median(b) };
}
