import { checkHistory } from './check-history';
import type { Operation } from './history.types';
import { describeNines, ninesOf } from './nines';

const write = (
  key: string,
  version: number,
  invokedAt: number,
  completedAt?: number,
  outcome?: 'ok' | 'failed' | 'unknown',
): Operation => ({
  kind: 'write',
  key,
  version,
  invokedAt,
  ...(completedAt !== undefined && { completedAt, outcome: outcome ?? 'ok' }),
});
const read = (key: string, version: number, invokedAt: number, completedAt: number, tag?: string): Operation => ({
  kind: 'read',
  key,
  version,
  invokedAt,
  completedAt,
  ...(tag && { tag }),
});

describe('checkHistory', () => {
  it('passes reads that see the newest acknowledged write, and counts them', () => {
    const report = checkHistory([write('u1', 1, 0, 10), read('u1', 1, 11, 12), read('u1', 1, 20, 25), read('u2', 0, 1, 2)]);
    expect(report).toMatchObject({ readsChecked: 3, stale: 0, future: 0, violations: 0, writes: { ok: 1 } });
  });

  it('flags a read that began after an acknowledged write and returned the older version (stale), naming the window', () => {
    const report = checkHistory([write('u1', 1, 0, 10), write('u1', 2, 20, 30), read('u1', 1, 31, 33, 'failover')]);
    expect(report.stale).toBe(1);
    expect(report.examples).toEqual([
      { kind: 'stale', key: 'u1', read: 1, bound: 2, readInvokedAt: 31, readCompletedAt: 33, boundAckedAt: 30, tag: 'failover' },
    ]);
    expect(report.byTag.failover).toMatchObject({ readsChecked: 1, stale: 1 });
  });

  it('allows either version to a read concurrent with the write (began before its acknowledgement)', () => {
    const report = checkHistory([
      write('u1', 1, 0, 10),
      write('u1', 2, 20, 30),
      read('u1', 1, 25, 35),
      read('u1', 2, 25, 35),
      read('u1', 2, 21, 22),
    ]);
    expect(report.violations).toBe(0);
  });

  it('counts an acknowledgement at the very instant the read began as concurrent, not before', () => {
    expect(checkHistory([write('u1', 1, 0, 10), read('u1', 0, 10, 11)]).violations).toBe(0);
    expect(checkHistory([write('u1', 1, 0, 10), read('u1', 0, 10.001, 11)]).stale).toBe(1);
  });

  it('flags a read of a version no write had begun to set before the read completed (from the future)', () => {
    const report = checkHistory([write('u1', 1, 0, 10), read('u1', 2, 11, 12), write('u1', 2, 12, 20)]);
    expect(report.future).toBe(1);
    expect(report.examples[0]).toMatchObject({ kind: 'future', read: 2, bound: 1 });
  });

  it('a write begun at the instant the read completed does not allow the read to see it', () => {
    expect(checkHistory([read('u1', 1, 0, 5), write('u1', 1, 5, 9)]).future).toBe(1);
    expect(checkHistory([read('u1', 1, 0, 5), write('u1', 1, 4.999, 9)]).future).toBe(0);
  });

  it('treats a timed-out write as possibly applied: it may be read, and it never makes the old value stale', () => {
    const history = [write('u1', 1, 0, 10, 'unknown'), read('u1', 1, 11, 12), read('u1', 0, 13, 14), write('u1', 2, 15)];
    const report = checkHistory(history);
    expect(report.violations).toBe(0);
    expect(report.writes).toEqual({ ok: 0, failed: 0, unknown: 1, inFlight: 1 });
  });

  it('flags a read of a version whose write is known to have failed', () => {
    const report = checkHistory([write('u1', 1, 0, 10, 'failed'), read('u1', 1, 11, 12)]);
    expect(report.future).toBe(1);
  });

  it('keeps keys apart: a write of one key makes no read of another stale', () => {
    expect(checkHistory([write('u1', 5, 0, 1), read('u2', 0, 2, 3)]).violations).toBe(0);
  });

  it('starts keys at their seeded version when told', () => {
    const report = checkHistory([read('u1', 7, 0, 1), write('u1', 8, 2, 3), read('u1', 7, 4, 5), read('u1', 6, 6, 7)], {
      initialVersion: () => 7,
    });
    expect(report).toMatchObject({ stale: 1, future: 1 });
  });

  it('lets two overlapping writes take effect in either order, whatever their numbers', () => {
    // v1 began first but was acknowledged last: the database may well hold v1 now.
    const overlapping = [write('u1', 1, 0, 20), write('u1', 2, 5, 10)];
    expect(checkHistory([...overlapping, read('u1', 1, 25, 26), read('u1', 2, 27, 28)]).violations).toBe(0);
    // A third write, begun after both were acknowledged, overwrote them both.
    const report = checkHistory([...overlapping, write('u1', 3, 30, 40), read('u1', 1, 45, 46), read('u1', 2, 47, 48)]);
    expect(report.stale).toBe(2);
    expect(report.examples.map((v) => v.bound)).toEqual([3, 3]);
  });

  it('refuses a history that writes one version of a key twice (versions must be unique per key)', () => {
    expect(() => checkHistory([write('u1', 1, 0, 1), write('u1', 1, 2, 3)])).toThrow('written twice');
  });

  it('keeps the counts whole when it keeps only the first violations in full', () => {
    const history = [write('u1', 1, 0, 1), ...Array.from({ length: 5 }, (_, i) => read('u1', 0, 2 + i, 3 + i))];
    const report = checkHistory(history, { keepViolations: 2 });
    expect(report.stale).toBe(5);
    expect(report.examples).toHaveLength(2);
  });

  it('rejects a history whose operation ends before it begins', () => {
    expect(() => checkHistory([read('u1', 0, 5, 4)])).toThrow('completes before it begins');
  });
});

describe('nines', () => {
  it('claims at least log10(reads) nines for a clean run, and -log10(rate) otherwise', () => {
    expect(ninesOf(10_000_000, 0)).toBeCloseTo(7);
    expect(ninesOf(1_000_000, 10)).toBeCloseTo(5);
    expect(describeNines(10_000_000, 0)).toBe('10,000,000 reads, 0 violations, at least 7.00 nines');
    expect(describeNines(1000, 1)).toBe('1,000 reads, 1 violation, 3.00 nines');
  });
});
