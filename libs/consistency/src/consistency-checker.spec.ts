import { ConsistencyChecker } from './consistency-checker';

describe('ConsistencyChecker (online, events recorded as they happen)', () => {
  it('checks each read as it completes against the writes recorded so far', () => {
    const checker = new ConsistencyChecker();
    const w1 = checker.writeInvoked('u1', 1, 0);
    expect(checker.read({ key: 'u1', version: 1, invokedAt: 1, completedAt: 2 })).toBeUndefined(); // concurrent with w1
    checker.writeCompleted(w1, 'ok', 3);
    expect(checker.read({ key: 'u1', version: 0, invokedAt: 4, completedAt: 5, source: 'redis', origin: 'api-2' })).toMatchObject({
      kind: 'stale',
      bound: 1,
      source: 'redis',
      origin: 'api-2',
    });
    expect(checker.report()).toMatchObject({ readsChecked: 2, stale: 1, violations: 1, writes: { ok: 1, inFlight: 0 } });
  });

  it('refuses acknowledgements out of time order (a driver bug that would hide violations)', () => {
    const checker = new ConsistencyChecker();
    checker.writeCompleted(checker.writeInvoked('u1', 1, 0), 'ok', 10);
    expect(() => checker.writeCompleted(checker.writeInvoked('u1', 2, 1), 'ok', 5)).toThrow('time order');
  });

  it('keeps its memory to the writes: a million reads of one key add nothing per read', () => {
    const checker = new ConsistencyChecker();
    checker.writeCompleted(checker.writeInvoked('u1', 1, 0), 'ok', 1);
    for (let i = 0; i < 1_000_000; i++) checker.read({ key: 'u1', version: 1, invokedAt: 2 + i, completedAt: 3 + i, tag: 'steady' });
    const report = checker.report();
    expect(report).toMatchObject({ readsChecked: 1_000_000, violations: 0, examples: [] });
    expect(report.nines).toBeCloseTo(6);
  });
});
