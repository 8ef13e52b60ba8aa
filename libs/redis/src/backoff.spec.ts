import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const noJitter = () => 0.5;

  it('doubles from the base delay on each attempt', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 100, 10_000, noJitter))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    for (const attempt of [5, 10, 60, 5000]) {
      for (const r of [0, 0.5, 0.999]) expect(backoffDelay(attempt, 1000, 5000, () => r)).toBeLessThanOrEqual(5000);
    }
    expect(backoffDelay(5000, 1000, 5000, () => 0.999)).toBe(5000);
  });

  it('keeps the jitter within ±20% of the exponential delay', () => {
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(3200);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(4800);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999)).toBeGreaterThan(4790);
  });

  it('spreads delays when randomness is real', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, 1000, 60_000)));
    expect(delays.size).toBeGreaterThan(10);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(6400);
    expect(Math.max(...delays)).toBeLessThanOrEqual(9600);
  });

  it('treats attempt 0 like the first attempt and returns at least 1 ms', () => {
    expect(backoffDelay(0, 50, 500, noJitter)).toBe(50);
    expect(backoffDelay(1, 1, 1, () => 0)).toBe(1);
  });
});
