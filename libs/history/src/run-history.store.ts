import type { DatabaseConnectionService } from '@rrl/database';
import { In, LessThan, type Repository } from 'typeorm';
import type { StoredRunRecord } from './stored-run.entity';

/** What every stored run has: the report shapes of libs/contracts (LoadTestRun, ChaosRun). */
export interface RunReport {
  id: string;
  status: string;
  startedAt: string;
}

export interface RunHistoryOptions {
  /** Runs kept; older ones are deleted when a run ends. */
  keep: number;
  /** Each query's budget (mysql.queryTimeout). */
  queryTimeoutMs: number;
}

/** Rows per DELETE … IN (…): well under every driver's bound-parameter limit. */
const CHUNK = 400;

/**
 * Run reports in one table, newest first, the last `keep` of them. Every call goes through
 * DatabaseConnectionService.run: time-limited, 503 DATABASE_UNAVAILABLE while the database is not
 * there (callers fall back to what they hold in memory).
 */
export class RunHistoryStore<T extends RunReport> {
  constructor(
    private readonly rows: Repository<StoredRunRecord>,
    private readonly database: DatabaseConnectionService,
    private readonly options: RunHistoryOptions,
  ) {}

  async save(run: T): Promise<void> {
    const row = {
      id: run.id,
      status: run.status,
      startedAt: run.startedAt,
      updatedAt: new Date().toISOString(),
      report: JSON.stringify(run),
    };
    await this.run(() => this.rows.upsert(row, { conflictPaths: ['id'] }));
    if (run.status !== 'running') await this.prune();
  }

  async list(): Promise<T[]> {
    const rows = await this.run(() => this.rows.find({ order: { startedAt: 'DESC' }, take: this.options.keep }));
    return rows.map((r) => JSON.parse(r.report) as T);
  }

  async get(id: string): Promise<T | null> {
    const row = await this.run(() => this.rows.findOneBy({ id }));
    return row ? (JSON.parse(row.report) as T) : null;
  }

  /**
   * Runs still "running" that started before `bootedAt`: the process that ran them stopped without
   * ending them (a crash, a kill, a restart). Each is passed to `mark` and saved as it returns it.
   */
  async endLeftovers(bootedAt: Date, mark: (run: T, lastSavedAt: string) => Promise<T> | T): Promise<T[]> {
    const rows = await this.run(() => this.rows.findBy({ status: 'running', startedAt: LessThan(bootedAt.toISOString()) }));
    const ended: T[] = [];
    for (const row of rows) {
      const run = await mark(JSON.parse(row.report) as T, row.updatedAt);
      await this.save(run);
      ended.push(run);
    }
    return ended;
  }

  private async prune(): Promise<void> {
    const stale = await this.run(() =>
      this.rows.find({ select: { id: true }, order: { startedAt: 'DESC' }, skip: this.options.keep, take: 100_000 }),
    );
    for (let i = 0; i < stale.length; i += CHUNK) {
      const ids = stale.slice(i, i + CHUNK).map((r) => r.id);
      await this.run(() => this.rows.delete({ id: In(ids) }));
    }
  }

  private run<R>(query: () => Promise<R>): Promise<R> {
    return this.database.run(query, this.options.queryTimeoutMs);
  }
}
