/** Rejection of withTimeout: names what was waited for and for how long. */
export class TimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: no result after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles like `work`, or rejects with `onTimeout()` (default: a TimeoutError) after `ms`. The losing promise
 * is left to settle on its own, and its late rejection is swallowed so it never goes unhandled.
 * Hand-written rather than cockatiel's `timeout` policy: callers here time-limit a promise they already hold
 * (a query, a probe), not a function a policy could call.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what = 'operation', onTimeout?: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout ? onTimeout() : new TimeoutError(what, ms)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Settles with p, or resolves (to undefined) once the signal aborts, whichever is first. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  let onAbort = (): void => undefined;
  const aborted = new Promise<undefined>((resolve) =>
    signal.addEventListener('abort', (onAbort = () => resolve(undefined)), { once: true }),
  );
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
