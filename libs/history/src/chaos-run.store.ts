import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import type { ChaosRun } from '@rrl/contracts';
import { DatabaseConnectionService } from '@rrl/database';
import type { Repository } from 'typeorm';
import { RunHistoryStore } from './run-history.store';
import { ChaosRunRecord } from './stored-run.entity';

/**
 * Chaos run reports in the database (the last history.keep). Ending the runs a previous process
 * left running is the caller's job: it has to restore their targets first (apps/api).
 */
@Injectable()
export class ChaosRunStore {
  private readonly store: RunHistoryStore<ChaosRun>;
  /** Runs started before this belong to an earlier process. */
  readonly bootedAt = new Date();

  constructor(
    @InjectRepository(ChaosRunRecord) rows: Repository<ChaosRunRecord>,
    database: DatabaseConnectionService,
    @InjectAppConfig() config: AppConfig,
  ) {
    this.store = new RunHistoryStore(rows, database, { keep: config.history.keep, queryTimeoutMs: config.mysql.queryTimeout });
  }

  save(run: ChaosRun): Promise<void> {
    return this.store.save(run);
  }

  list(): Promise<ChaosRun[]> {
    return this.store.list();
  }

  get(id: string): Promise<ChaosRun | null> {
    return this.store.get(id);
  }

  /** Runs left "running" by an earlier process, each passed through `end` (restore, then mark) and saved. */
  endLeftovers(end: (run: ChaosRun, lastSavedAt: string) => Promise<ChaosRun>): Promise<ChaosRun[]> {
    return this.store.endLeftovers(this.bootedAt, end);
  }
}
