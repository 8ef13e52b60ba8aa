import { QUICK_RETRIES_FOR_MS, reconnectDelay, SLOW_RETRY_GAP_MS } from './reconnect-delay';

describe('reconnectDelay', () => {
  const o = { retryDelay: 100, maxRetryDelay: 1000 };
  const at = (attempt: number, outageMs = 0, errorKind: 'refused' | 'auth' | null = 'refused', random = () => 0) =>
    reconnectDelay({ attempt, errorKind, outageMs, immediate: false }, o, random);

  it('backs off from retryDelay to the cap while the outage is young', () => {
    expect(at(1, 0, 'refused', () => 0.5)).toBe(100);
    expect(at(3, 0, 'refused', () => 0.5)).toBe(400);
    expect(at(20, 0, 'refused', () => 0)).toBe(800); // the cap with -20 % jitter
  });

  it('retries wrong credentials at the cap', () => {
    expect(at(1, 0, 'auth')).toBe(1000);
  });

  it('never retries sooner than once a second once the outage is past the quick phase', () => {
    for (const attempt of [1, 5, 50]) expect(at(attempt, QUICK_RETRIES_FOR_MS)).toBeGreaterThanOrEqual(SLOW_RETRY_GAP_MS);
    expect(at(1, QUICK_RETRIES_FOR_MS - 1)).toBe(80);
  });

  it('reconnects at once when the socket was closed on purpose', () => {
    expect(reconnectDelay({ attempt: 9, errorKind: 'closed', outageMs: 60_000, immediate: true }, o)).toBe(0);
  });
});
