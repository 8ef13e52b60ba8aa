import { OutageWriteReporter, SUMMARY_INTERVAL_MS } from './outage-write.reporter';

describe('OutageWriteReporter (one outage, a few log lines)', () => {
  let lines: string[];
  let pending: number;
  let reporter: OutageWriteReporter;

  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    pending = 0;
    const logger = { warn: (m: unknown) => lines.push(`warn ${String(m)}`), log: (m: unknown) => lines.push(`log ${String(m)}`) };
    reporter = new OutageWriteReporter(() => pending, logger);
  });

  afterEach(() => {
    reporter.dispose();
    jest.useRealTimers();
  });

  /** A writer at 20 writes/s, each marking two keys (user and email mapping), for `seconds`. */
  function writeFor(seconds: number, reason = 'circuit open'): void {
    for (let i = 0; i < seconds * 20; i++) {
      pending = Math.min(pending + 2, 400);
      reporter.writeMissed([`user:${i}`, `user:email:u${i}@example.test`], reason);
      jest.advanceTimersByTime(50);
    }
  }

  it('logs the first missed write, then a summary at most every 5 s, then one line when the keys were invalidated', () => {
    writeFor(270); // the soak that logged 4 700 lines: 5 400 writes over 270 s
    jest.advanceTimersByTime(SUMMARY_INTERVAL_MS); // the last writes' summary
    expect(lines[0]).toMatch(/^warn Could not update user:0, user:email:u0@example.test in Redis \(circuit open\); reads bypass Redis/);
    const summaries = lines.slice(1);
    expect(summaries).toHaveLength(270 / (SUMMARY_INTERVAL_MS / 1000));
    expect(summaries[0]).toMatch(
      /^warn Redis still missed by writes: 100 more write\(s\) in the last 5 s \(last: circuit open\); 202 key\(s\) pending/,
    );
    expect(summaries.at(-1)).toMatch(/400 key\(s\) pending invalidation, 5400 write\(s\) since /);

    reporter.invalidated(400, 0);
    expect(lines.at(-1)).toMatch(/^log Invalidated 400 key\(s\) written while Redis was unreachable \(5400 write\(s\) missed Redis since /);
    const before = lines.length;
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(before); // recovered: no more summaries
  });

  it('says nothing more while no write misses Redis, and starts afresh with the next outage', () => {
    reporter.writeMissed(['user:1'], 'Command timed out');
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(1);
    reporter.writeMissed(['user:2'], 'Command timed out');
    jest.advanceTimersByTime(SUMMARY_INTERVAL_MS - 1);
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(lines).toHaveLength(2);
    reporter.invalidated(2, 0);
    reporter.writeMissed(['user:3'], 'Connection is closed.');
    expect(lines.at(-1)).toMatch(/^warn Could not update user:3 in Redis \(Connection is closed\.\)/);
  });

  it('counts marks the database could not store either into the same lines', () => {
    reporter.writeMissed(['user:1'], 'circuit open');
    reporter.notRecorded(['user:1'], 'database unavailable');
    for (let i = 2; i <= 10; i++) {
      reporter.writeMissed([`user:${i}`], 'circuit open');
      reporter.notRecorded([`user:${i}`], 'database unavailable');
    }
    jest.advanceTimersByTime(SUMMARY_INTERVAL_MS);
    expect(lines).toEqual([
      expect.stringMatching(/^warn Could not update user:1 in Redis/),
      'warn Could not record pending invalidation of user:1 in the database: database unavailable',
      expect.stringMatching(/^warn Redis still missed by writes: 9 more write\(s\) .*, 9 of them not recorded in the database;/),
    ]);
  });

  it('a flush that leaves keys marked again keeps the outage open', () => {
    reporter.writeMissed(['user:1'], 'circuit open');
    reporter.invalidated(1, 1);
    reporter.writeMissed(['user:1'], 'circuit open');
    jest.advanceTimersByTime(SUMMARY_INTERVAL_MS);
    expect(lines.at(-1)).toMatch(/2 write\(s\) since/);
  });
});
