import { Logger } from '@nestjs/common';

/** The part of Nest's Logger this uses (tests pass a recorder). */
export type ReportLogger = Pick<Logger, 'log' | 'warn'>;

/**
 * At most one summary line per this many ms during an outage: a writer at 20 writes/s used to log
 * 20 warn lines a second (4 700 over a 4.5 min outage), flooding the log while people read it.
 */
export const SUMMARY_INTERVAL_MS = 5_000;

interface Outage {
  since: Date;
  writes: number;
  /** Writes whose mark could not be stored in the database either. */
  notRecorded: number;
  /** Writes (and not-recorded marks) since the last line, for the next summary. */
  writesSinceLine: number;
  notRecordedSinceLine: number;
  lastReason: string;
  timer: NodeJS.Timeout | null;
}

/**
 * Logs the writes that could not update Redis, per outage rather than per write: the first one
 * (warn, with its keys and reason), then a summary at most every SUMMARY_INTERVAL_MS while more
 * come (keys pending, writes), and one line when the pending keys have been invalidated.
 */
export class OutageWriteReporter {
  private outage: Outage | null = null;

  constructor(
    /** Keys pending invalidation right now, for the summaries. */
    private readonly pendingKeys: () => number,
    private readonly logger: ReportLogger = new Logger('UserCache'),
  ) {}

  /** A write could not update `keys` in Redis; they are pending now. */
  writeMissed(keys: readonly string[], reason: string): void {
    const o = this.outage;
    if (!o) {
      this.outage = this.start(reason);
      this.logger.warn(
        `Could not update ${keys.join(', ')} in Redis (${reason}); reads bypass Redis for them until they are deleted there ` +
          `(further writes that miss Redis are summarized every ${SUMMARY_INTERVAL_MS / 1000} s)`,
      );
      return;
    }
    o.writes++;
    o.writesSinceLine++;
    o.lastReason = reason;
    this.scheduleSummary(o);
  }

  /** The marks of a missed write could not be stored in the database either (only this process knows them). */
  notRecorded(keys: readonly string[], reason: string): void {
    const o = this.outage ?? (this.outage = this.start(reason));
    o.notRecorded++;
    if (o.notRecorded === 1) {
      this.logger.warn(`Could not record pending invalidation of ${keys.join(', ')} in the database: ${reason}`);
      return;
    }
    o.notRecordedSinceLine++;
    this.scheduleSummary(o);
  }

  /** A flush deleted `count` pending keys in Redis; `remaining` are still pending (marked again meanwhile). */
  invalidated(count: number, remaining: number): void {
    const o = this.outage;
    const during = o ? ` (${o.writes} write(s) missed Redis since ${o.since.toISOString()})` : '';
    this.logger.log(`Invalidated ${count} key(s) written while Redis was unreachable${during}`);
    if (o && remaining === 0) this.end();
  }

  /** Stops the summary timer (shutdown). */
  dispose(): void {
    this.end();
  }

  private start(reason: string): Outage {
    return { since: new Date(), writes: 1, notRecorded: 0, writesSinceLine: 0, notRecordedSinceLine: 0, lastReason: reason, timer: null };
  }

  private end(): void {
    if (this.outage?.timer) clearTimeout(this.outage.timer);
    this.outage = null;
  }

  private scheduleSummary(o: Outage): void {
    if (o.timer) return;
    o.timer = setTimeout(() => this.summarize(o), SUMMARY_INTERVAL_MS);
    o.timer.unref();
  }

  private summarize(o: Outage): void {
    o.timer = null;
    const notRecorded = o.notRecordedSinceLine > 0 ? `, ${o.notRecordedSinceLine} of them not recorded in the database` : '';
    this.logger.warn(
      `Redis still missed by writes: ${o.writesSinceLine} more write(s) in the last ${SUMMARY_INTERVAL_MS / 1000} s (last: ${o.lastReason})` +
        `${notRecorded}; ${this.pendingKeys()} key(s) pending invalidation, ${o.writes} write(s) since ${o.since.toISOString()}`,
    );
    o.writesSinceLine = 0;
    o.notRecordedSinceLine = 0;
  }
}
