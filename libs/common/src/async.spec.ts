import { sleep, TimeoutError, untilAborted, withTimeout } from './async';

describe('async helpers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('withTimeout rejects with a TimeoutError naming the wait once ms pass, and passes a faster result through', async () => {
    const slow = withTimeout(new Promise(() => undefined), 500, 'redis ping');
    jest.advanceTimersByTime(500);
    await expect(slow).rejects.toEqual(new TimeoutError('redis ping', 500));
    await expect(withTimeout(Promise.resolve(7), 500)).resolves.toBe(7);
  });

  it('withTimeout uses the caller’s error and swallows a late rejection of the abandoned work', async () => {
    let fail!: (e: Error) => void;
    const work = new Promise<never>((_, reject) => (fail = reject));
    const limited = withTimeout(work, 100, 'query', () => new Error('query timed out'));
    jest.advanceTimersByTime(100);
    await expect(limited).rejects.toThrow('query timed out');
    fail(new Error('late')); // must not surface as an unhandled rejection
  });

  it('sleep resolves after ms, or at once on abort', async () => {
    const done = jest.fn();
    void sleep(1000).then(done);
    await jest.advanceTimersByTimeAsync(999);
    expect(done).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalled();
    const ctl = new AbortController();
    const aborted = sleep(60_000, ctl.signal);
    ctl.abort();
    await expect(aborted).resolves.toBeUndefined();
  });

  it('untilAborted resolves undefined on abort', async () => {
    const ctl = new AbortController();
    const p = untilAborted(new Promise(() => undefined), ctl.signal);
    ctl.abort();
    await expect(p).resolves.toBeUndefined();
  });
});
