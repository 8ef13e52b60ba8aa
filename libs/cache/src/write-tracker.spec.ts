import { SingleFlight } from './single-flight';
import { WriteTracker } from './write-tracker';

describe('WriteTracker (guards read-populate against a concurrent write)', () => {
  it('says whether a user was written after a read started', () => {
    const writes = new WriteTracker();
    writes.record(1);
    const mark = writes.mark();
    expect(writes.writtenSince(1, mark)).toBe(false);
    writes.record(2);
    expect(writes.writtenSince(1, mark)).toBe(false);
    expect(writes.writtenSince(2, mark)).toBe(true);
    writes.record(1);
    expect(writes.writtenSince(1, mark)).toBe(true);
  });

  it('answers "yes" when it has forgotten writes made since the mark', () => {
    const writes = new WriteTracker();
    const mark = writes.mark();
    for (let id = 1; id <= 10_001; id++) writes.record(id);
    // id 1 was evicted: the tracker cannot tell, so it errs on the side of not caching.
    expect(writes.writtenSince(1, mark)).toBe(true);
    const later = writes.mark();
    expect(writes.writtenSince(1, later)).toBe(false);
  });
});

describe('SingleFlight', () => {
  it('shares one call per key and starts a fresh one after forget()', async () => {
    const flights = new SingleFlight<number, string>();
    let release!: (v: string) => void;
    const work = jest.fn(() => new Promise<string>((r) => (release = r)));
    const a = flights.run(1, work);
    const b = flights.run(1, work);
    expect([a.joined, b.joined]).toEqual([false, true]);
    expect(work).toHaveBeenCalledTimes(1);
    flights.forget(1);
    const firstRelease = release;
    const c = flights.run(1, work);
    expect(c.joined).toBe(false);
    expect(work).toHaveBeenCalledTimes(2);
    expect(work.mock.calls[0]).toEqual([{ detached: true }]);
    firstRelease('old');
    expect(await b.result).toBe('old');
    // The detached call finishing must not remove the fresh one.
    expect(flights.run(1, work).joined).toBe(true);
    release('new');
    expect(await c.result).toBe('new');
  });
});
