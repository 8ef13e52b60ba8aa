import { Logger } from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { RedisCircuitBreaker, type RedisBreakerOptions } from './redis-circuit-breaker';

const options: RedisBreakerOptions = {
  consecutiveFailures: 5,
  failureRateThreshold: 0.5,
  failureRateWindow: 10_000,
  failureRateMinimumRequests: 20,
  halfOpenAfter: 5_000,
};

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('ECONNREFUSED'));

async function call(breaker: RedisCircuitBreaker, fn: () => Promise<string>): Promise<'ok' | 'failed' | 'rejected'> {
  try {
    await breaker.execute(fn);
    return 'ok';
  } catch (e) {
    return e instanceof BrokenCircuitError ? 'rejected' : 'failed';
  }
}

describe('RedisCircuitBreaker', () => {
  let breaker: RedisCircuitBreaker;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    breaker = new RedisCircuitBreaker(options);
  });

  afterEach(() => jest.useRealTimers());

  it('opens after 5 consecutive failures and then rejects without calling Redis', async () => {
    for (let i = 0; i < 4; i++) expect(await call(breaker, boom)).toBe('failed');
    expect(breaker.state).toBe('closed');
    expect(await call(breaker, boom)).toBe('failed');
    expect(breaker.state).toBe('open');
    const fn = jest.fn(ok);
    expect(await call(breaker, fn)).toBe('rejected');
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.isRejecting()).toBe(true);
    expect(breaker.history()).toEqual([
      expect.objectContaining({ from: 'closed', to: 'open', reason: expect.stringMatching(/^5 consecutive failures.*ECONNREFUSED/) }),
    ]);
  });

  it('a success resets the consecutive count', async () => {
    for (let i = 0; i < 4; i++) await call(breaker, boom);
    await call(breaker, ok);
    for (let i = 0; i < 4; i++) await call(breaker, boom);
    expect(breaker.state).toBe('closed');
  });

  it('opens on a failure rate >= 50% over the window once 20 calls were seen, never below that', async () => {
    // Alternating: never 5 in a row, but half of all calls fail.
    for (let i = 0; i < 9; i++) {
      await call(breaker, ok);
      await call(breaker, boom);
      jest.advanceTimersByTime(100);
    }
    expect(breaker.state).toBe('closed'); // 18 calls: below the minimum
    await call(breaker, ok);
    await call(breaker, boom);
    expect(breaker.state).toBe('open');
    expect(breaker.history()[0].reason).toMatch(/failure rate >= 50% over 10000 ms/);
  });

  it('a low failure rate keeps it closed', async () => {
    for (let i = 0; i < 40; i++) {
      await call(breaker, i % 3 === 0 ? boom : ok);
      jest.advanceTimersByTime(100);
    }
    expect(breaker.state).toBe('closed');
  });

  it('failures older than the window no longer count', async () => {
    // 16 failures in 19 calls (never 5 in a row): one call short of the minimum.
    for (let i = 0; i < 19; i++) await call(breaker, i % 5 === 4 ? ok : boom);
    expect(breaker.state).toBe('closed');
    // Steady successes for longer than the 10 s window push those failures out.
    for (let i = 0; i < 12; i++) {
      jest.advanceTimersByTime(1_000);
      await call(breaker, ok);
    }
    // Counted together with the old ones this would be 17/32 failed; within the window it is 1/11.
    await call(breaker, boom);
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after halfOpenAfter, rejects others during the probe, closes when the probe succeeds', async () => {
    for (let i = 0; i < 5; i++) await call(breaker, boom);
    jest.advanceTimersByTime(4_999);
    expect(await call(breaker, ok)).toBe('rejected');
    jest.advanceTimersByTime(1);
    expect(breaker.isRejecting()).toBe(false);
    let release!: () => void;
    const probe = breaker.execute(() => new Promise<string>((r) => (release = () => r('ok'))));
    expect(breaker.state).toBe('half-open');
    expect(await call(breaker, ok)).toBe('rejected');
    release();
    await probe;
    expect(breaker.state).toBe('closed');
    expect(breaker.history().map((t) => `${t.from}>${t.to}`)).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
    expect(breaker.history()[2].reason).toBe('probe succeeded');
  });

  it('closes at once when the connection reports Redis ready again, without waiting for a probe', async () => {
    for (let i = 0; i < 5; i++) await call(breaker, boom);
    jest.advanceTimersByTime(100);
    expect(breaker.closeOnRecovery('Redis connection ready again')).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(await call(breaker, ok)).toBe('ok');
    expect(breaker.history().map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
      expect.stringMatching(/^closed>open:5 consecutive failures/),
      'open>closed:Redis connection ready again',
    ]);
    // Closed already: nothing to do, nothing recorded.
    expect(breaker.closeOnRecovery('again')).toBe(false);
    expect(breaker.history()).toHaveLength(2);
  });

  it('a failed probe opens it again for another halfOpenAfter', async () => {
    const transitions: string[] = [];
    breaker.events.on('transition', (t) => transitions.push(t.to));
    for (let i = 0; i < 5; i++) await call(breaker, boom);
    jest.advanceTimersByTime(5_000);
    expect(await call(breaker, boom)).toBe('failed');
    expect(breaker.state).toBe('open');
    expect(breaker.history().at(-1)?.reason).toMatch(/^probe failed/);
    jest.advanceTimersByTime(4_000);
    expect(await call(breaker, ok)).toBe('rejected');
    jest.advanceTimersByTime(1_000);
    expect(await call(breaker, ok)).toBe('ok');
    expect(transitions).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('keeps a bounded history', async () => {
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 5; i++) await call(breaker, boom);
      jest.advanceTimersByTime(5_000);
      await call(breaker, ok);
    }
    expect(breaker.history()).toHaveLength(50);
  });
});
