import { runLoop } from './run-loop';

describe('runLoop', () => {
  it('runs exactly `total` iterations across the workers', async () => {
    let calls = 0;
    const started = await runLoop({
      total: 10_001,
      concurrency: 7,
      signal: new AbortController().signal,
      iteration: async () => void calls++,
    });
    expect(started).toBe(10_001);
    expect(calls).toBe(10_001);
  });

  it('lets timers run while every iteration resolves at once (a synchronous store): a cancel from a timer stops it', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    let calls = 0;
    const started = await runLoop({ total: 1e12, concurrency: 64, signal: abort.signal, iteration: () => (calls++, Promise.resolve()) });
    expect(abort.signal.aborted).toBe(true);
    expect(started).toBe(calls);
    expect(started).toBeLessThan(1e12);
  });
});
