import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { errorMessage, type LoadTestRun } from '@rrl/contracts';
import { DatabaseConnectionService } from '@rrl/database';
import type { Repository } from 'typeorm';
import { RunHistoryStore } from './run-history.store';
import { LoadTestRunRecord } from './stored-run.entity';

/**
 * Loop-test results in the database (the last history.keep). Once the database is connected after
 * boot, a run a previous process left "running" is marked interrupted, with the progress it last
 * saved; reads wait for that so nobody sees a dead run as running.
 */
@Injectable()
export class LoadTestRunStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LoadTestHistory');
  private readonly store: RunHistoryStore<LoadTestRun>;
  private readonly bootedAt = new Date();
  private reconciling: Promise<void> | null = null;
  private readonly onConnected = () => {
    this.reconciling ??= this.endLeftovers();
  };

  constructor(
    @InjectRepository(LoadTestRunRecord) rows: Repository<LoadTestRunRecord>,
    private readonly database: DatabaseConnectionService,
    @InjectAppConfig() config: AppConfig,
  ) {
    this.store = new RunHistoryStore(rows, database, { keep: config.history.keep, queryTimeoutMs: config.mysql.queryTimeout });
  }

  onApplicationBootstrap(): void {
    this.database.events.on('connected', this.onConnected);
    if (this.database.isConnected()) this.onConnected();
  }

  onModuleDestroy(): void {
    this.database.events.off('connected', this.onConnected);
  }

  save(run: LoadTestRun): Promise<void> {
    return this.store.save(run);
  }

  async list(): Promise<LoadTestRun[]> {
    await this.reconciling;
    return this.store.list();
  }

  async get(id: string): Promise<LoadTestRun | null> {
    await this.reconciling;
    return this.store.get(id);
  }

  private async endLeftovers(): Promise<void> {
    try {
      const ended = await this.store.endLeftovers(this.bootedAt, (run, lastSavedAt) => ({
        ...run,
        status: 'interrupted',
        phase: 'done',
        endedAt: lastSavedAt,
        error: `the API stopped during the run (restart or crash); the progress is as last saved at ${lastSavedAt}`,
      }));
      for (const run of ended) this.logger.warn(`loop test ${run.id} was interrupted by a restart; marked interrupted`);
    } catch (e) {
      this.reconciling = null; // try again at the next connect
      this.logger.warn(`could not mark interrupted loop tests: ${errorMessage(e)}`);
    }
  }
}
