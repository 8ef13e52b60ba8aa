import { type StuckRetryInput, StuckRetryDetector } from './stuck-retry.detector';

describe('StuckRetryDetector', () => {
  const detector = new StuckRetryDetector({ threshold: 50, stallMs: 10_000 });
  const input = (over: Partial<StuckRetryInput>): StuckRetryInput => ({
    state: 'reconnecting',
    clientAttempts: 3,
    clientStatus: 'reconnecting',
    lastProgressAt: 0,
    now: 1000,
    ...over,
  });

  it('is not stuck while retrying normally', () => {
    expect(detector.reason(input({}))).toBeNull();
  });

  it('is stuck once the attempts reach the threshold without a ready', () => {
    expect(detector.reason(input({ clientAttempts: 49 }))).toBeNull();
    expect(detector.reason(input({ clientAttempts: 50 }))).toMatch(/50 reconnect attempts/);
    expect(detector.reason(input({ state: 'auth-failed', clientAttempts: 80 }))).toMatch(/80 reconnect attempts/);
  });

  it('is stuck when the client ended without scheduling a reconnect', () => {
    expect(detector.reason(input({ clientStatus: 'end' }))).toMatch(/ended/);
  });

  it('is stuck when the client reports nothing for longer than stallMs while not ready', () => {
    expect(detector.reason(input({ now: 10_000 }))).toBeNull();
    expect(detector.reason(input({ now: 10_001, clientStatus: 'connecting' }))).toMatch(/no connection progress for 10001 ms/);
  });

  it('never calls a ready, idle or stopped connection stuck', () => {
    for (const state of ['ready', 'idle', 'stopped'] as const) {
      expect(detector.reason(input({ state, clientAttempts: 500, clientStatus: 'end', now: 1e9 }))).toBeNull();
    }
  });
});
