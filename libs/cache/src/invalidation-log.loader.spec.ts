import { InvalidationLogLoader, LOG_RETRY_MS } from './invalidation-log.loader';

/** A promise settled by hand, to hold a log read where the test wants it. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

function setup() {
  const state = { dbConnected: true };
  const deps = { read: jest.fn(() => Promise.resolve(true)), canRetry: () => state.dbConnected, afterRead: jest.fn() };
  return { loader: new InvalidationLogLoader(deps), deps, state };
}

/** Lets the loader's promise chains run. */
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('InvalidationLogLoader (when the durable marks were read, and the reads it holds meanwhile)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds every read while a gating read of the log runs, and none once it succeeded', async () => {
    const { loader, deps } = setup();
    const reading = deferred<boolean>();
    deps.read.mockReturnValueOnce(reading.promise);
    loader.loadIfNeeded();
    expect(loader.holdsReads()).toBe(true);
    expect(loader.holdsReads()).toBe(true);
    reading.resolve(true);
    await settle();
    expect(loader.holdsReads()).toBe(false);
    expect(loader.isLoaded).toBe(true);
    expect(deps.afterRead).toHaveBeenCalledTimes(1);
    loader.loadIfNeeded(); // loaded: a database reconnect reads nothing
    expect(deps.read).toHaveBeenCalledTimes(1);
  });

  it('only the newest read counts: one that started before a later Redis ready may have missed marks', async () => {
    const { loader, deps } = setup();
    const first = deferred<boolean>();
    const second = deferred<boolean>();
    deps.read.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    void loader.reload();
    const reloading = loader.reload(); // a Redis ready while the first read runs
    first.resolve(true);
    await settle();
    expect(loader.isLoaded).toBe(false); // the first read no longer counts
    expect(loader.holdsReads()).toBe(true);
    expect(deps.afterRead).not.toHaveBeenCalled();
    second.resolve(true);
    await reloading;
    expect(loader.isLoaded).toBe(true);
    expect(deps.read).toHaveBeenCalledTimes(2); // the second one started after the first had ended
    expect(deps.afterRead).toHaveBeenCalledTimes(1);
  });

  it('when the log cannot be read reads pass, and they retry it in the background at most once per LOG_RETRY_MS', async () => {
    const { loader, deps, state } = setup();
    deps.read.mockResolvedValue(false);
    void loader.reload();
    await settle();
    expect(deps.afterRead).toHaveBeenCalledTimes(1); // flush what is known, also after a failed read
    expect(loader.holdsReads()).toBe(false); // nothing else could answer
    expect(deps.read).toHaveBeenCalledTimes(1); // retried no sooner than LOG_RETRY_MS after the last try
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS - 1);
    loader.holdsReads();
    expect(deps.read).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    const retry = deferred<boolean>();
    deps.read.mockReturnValueOnce(retry.promise);
    expect(loader.holdsReads()).toBe(false); // a background retry does not hold the read
    await settle();
    expect(loader.holdsReads()).toBe(false); // nor the reads while it runs
    expect(deps.read).toHaveBeenCalledTimes(2);
    retry.resolve(true);
    await settle();
    expect(loader.isLoaded).toBe(true);
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS);
    loader.holdsReads();
    expect(deps.read).toHaveBeenCalledTimes(2); // loaded: no more retries

    // No retry while the database is not connected: its connect reads the log.
    deps.read.mockResolvedValue(false);
    void loader.reload();
    await settle();
    state.dbConnected = false;
    await jest.advanceTimersByTimeAsync(3 * LOG_RETRY_MS);
    loader.holdsReads();
    expect(deps.read).toHaveBeenCalledTimes(3);
  });
});
