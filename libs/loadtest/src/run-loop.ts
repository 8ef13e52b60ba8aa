export interface LoopOptions {
  /** Iterations to run in all. */
  total: number;
  /** Workers, each awaiting one iteration at a time. */
  concurrency: number;
  /** Stops handing out iterations; the ones in flight finish. */
  signal: AbortSignal;
  /** One iteration; must not throw (count failures inside). */
  iteration: () => Promise<void>;
}

/**
 * Iterations a loop may run without a macrotask before it yields one (setImmediate). When every
 * answer is a resolved promise (a synchronous SQLite read, a breaker rejecting at once) the workers
 * would otherwise chain microtasks forever: no timer (progress ticks), no HTTP request (a cancel),
 * no socket would ever run. With real I/O the loop yields by itself and this never triggers.
 */
const MAX_ITERATIONS_WITHOUT_MACROTASK = 4096;

/**
 * A closed loop: `concurrency` workers share one counter and run `iteration` until `total` have
 * started or the signal aborts. Keeps nothing per iteration. Resolves with the number started.
 */
export async function runLoop({ total, concurrency, signal, iteration }: LoopOptions): Promise<number> {
  let started = 0;
  let sinceMacrotask = 0;
  // Every worker waits on the same pause: one worker yielding alone would never see its setImmediate
  // run while the others keep the microtask queue busy.
  let pause: Promise<void> | null = null;
  const resume = (done: () => void) => () => {
    pause = null;
    sinceMacrotask = 0;
    done();
  };
  const ticker = setInterval(() => (sinceMacrotask = 0), 10);
  const worker = async (): Promise<void> => {
    while (started < total && !signal.aborted) {
      if (++sinceMacrotask > MAX_ITERATIONS_WITHOUT_MACROTASK) pause ??= new Promise<void>((r) => setImmediate(resume(r)));
      if (pause) {
        await pause;
        continue;
      }
      started++;
      await iteration();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
  } finally {
    clearInterval(ticker);
  }
  return started;
}
