import { SingleFlight } from './single-flight';

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
