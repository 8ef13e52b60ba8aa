import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { errorMessage } from '@rrl/contracts';
import { DatabaseConnectionService } from '@rrl/database';
import { UsersRepository } from '../users.repository';
import { seedUsers } from './seed-users';

/**
 * seed.onFirstStart: once the database is connected, an empty users table gets the demo data set
 * (seed.users deterministic users) so every page of the dashboard has something to show at once.
 * "First start" is an empty table: a restart, or a database someone filled, is left alone. Runs in
 * the background: boot never waits for it, and a failure is logged, not fatal.
 */
@Injectable()
export class FirstStartSeeder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Seed');
  private running: Promise<void> | null = null;
  /** Shutdown stops a seed between batches rather than waiting for all of it. */
  private readonly stop = new AbortController();
  private readonly onConnected = () => void this.start();

  constructor(
    @InjectAppConfig() private readonly config: AppConfig,
    private readonly db: DatabaseConnectionService,
    private readonly users: UsersRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.seed.onFirstStart) return;
    if (this.db.isConnected()) void this.start();
    else this.db.events.once('connected', this.onConnected);
  }

  // Before the database closes: the seed must stop while its connection still answers.
  async beforeApplicationShutdown(): Promise<void> {
    this.db.events.off('connected', this.onConnected);
    this.stop.abort(new Error('the API is stopping'));
    await this.running;
  }

  /** Resolves when the seed (if any) has finished; for tests. */
  whenDone(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private start(): Promise<void> {
    this.running ??= this.seedIfEmpty().catch((e: unknown) =>
      this.logger.warn(`First-start seed ${this.stop.signal.aborted ? 'stopped' : 'failed'}: ${errorMessage(e)}`),
    );
    return this.running;
  }

  private async seedIfEmpty(): Promise<void> {
    const existing = await this.users.count();
    if (existing > 0) return;
    const count = this.config.seed.users;
    this.logger.log(`Empty database on first start: seeding ${count} demo users (seed.onFirstStart)`);
    const result = await seedUsers(this.db.dataSource, { count, signal: this.stop.signal });
    this.logger.log(`Seeded ${result.inserted} demo users in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  }
}
