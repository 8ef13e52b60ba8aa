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
