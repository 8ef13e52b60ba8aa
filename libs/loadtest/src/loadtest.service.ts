import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { UserCacheService } from '@rrl/cache';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { RunSlot } from '@rrl/common';
import {
  AppError,
  ERROR_CODES,
  errorMessage,
  MAX_SEED_USERS_PER_REQUEST,
  type LoadTestRequest,
  type LoadTestRun,
  type RedisStateTransition,
} from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { seedUsers, User } from '@rrl/users';
import { Between } from 'typeorm';
import { keyPicker } from './key-picker';
import { LoadTestExecution } from './loadtest-execution';
import type { LoadTestStats } from './loadtest-stats';
import { runLoop } from './run-loop';

export interface LoadTestEvents {
  /** At the start and then every second while it runs. */
  progress: [LoadTestRun];
  ended: [LoadTestRun];
}

/** Where finished runs outlive the process (the database); the service works without one. */
export interface LoadTestHistory {
  save(run: LoadTestRun): Promise<void>;
  list(): Promise<LoadTestRun[]>;
  get(id: string): Promise<LoadTestRun | null>;
}
export const LOADTEST_HISTORY = Symbol('LOADTEST_HISTORY');
export const InjectLoadTestHistory = (): ParameterDecorator => Inject(LOADTEST_HISTORY);

/** Progress events and history saves: once a second (the floor for live progress). */
const PROGRESS_MS = 1000;
/** A running run is saved this often, so a restart leaves recent progress behind. */
const SAVE_EVERY_MS = 10_000;
/** Finished runs also kept in memory, so the list answers while the database is down. */
const KEEP_IN_MEMORY = 50;
/** Values a write cycles through (PATCH city): a real change, so the write path does its full work. */
const CITIES = ['Lisbon', 'Porto', 'Braga', 'Coimbra', 'Faro'];

/**
 * The loop test: millions of reads (UserCacheService.get) and writes (update), through the same
 * cache the HTTP routes use, one run at a time, in the background. Keeps going through Redis
 * outages (the cache falls back to the database; a read neither store could answer is counted by
 * its error code, not fatal), reports progress every second, and stores each run in the history.
 */
@Injectable()
export class LoadTestService implements BeforeApplicationShutdown {
  readonly events = new EventEmitter<LoadTestEvents>();
  private readonly logger = new Logger('LoadTest');
  private readonly slot = new RunSlot<LoadTestExecution, LoadTestRun>({
    noun: 'loop test',
    cancelPath: (id) => `/api/loadtests/${id}/cancel`,
    keep: KEEP_IN_MEMORY,
  });
  private lastSaveAt = 0;

  constructor(
    private readonly cache: UserCacheService,
    private readonly redis: RedisConnectionService,
    private readonly database: DatabaseConnectionService,
    @InjectAppConfig() private readonly config: AppConfig,
    @Optional() @InjectLoadTestHistory() private readonly history: LoadTestHistory | null,
  ) {}

  /** Validated request → 202 with the run; 400 when the keys are not in the database (and seed is not set). */
  async start(request: LoadTestRequest): Promise<LoadTestRun> {
    let missing = 0;
    const run = await this.slot.start(async () => {
      if (request.seed && request.keys.count > MAX_SEED_USERS_PER_REQUEST) throw seedTooLarge(request.keys.count);
      missing = request.keys.count - (await this.existingKeys(request.keys.count));
      if (missing > 0 && !request.seed) throw missingKeys(request.keys.count, missing);
      return new LoadTestExecution(request, this.redis.state);
    });
    if (missing > 0) run.phase = 'seeding';
    this.execute(run, missing > 0).catch((e: unknown) => this.end(run, 'failed', `runner error: ${errorMessage(e)}`));
    return run.snapshot();
  }

  /** Stops handing out iterations; resolves once the ones in flight are done (well within a second). */
  async cancel(id: string): Promise<LoadTestRun> {
    const active = this.slot.active;
    if (active?.id !== id) throw this.slot.endedError(id, (await this.get(id)).status);
    const ended = new Promise<LoadTestRun>((resolve) => {
      const onEnded = (r: LoadTestRun) => r.id === id && (this.events.off('ended', onEnded), resolve(r));
      this.events.on('ended', onEnded);
    });
    active.cancel();
    return ended;
  }

  /** The running run first, then finished ones, newest first (stored and in memory, merged). */
  async list(): Promise<LoadTestRun[]> {
    const stored = await this.storedRuns();
    const byId = new Map<string, LoadTestRun>();
    for (const run of [...this.slot.history(), ...stored]) if (!byId.has(run.id)) byId.set(run.id, run);
    const { active } = this.slot;
    if (active) byId.delete(active.id);
    const past = [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return [...(active ? [active.snapshot()] : []), ...past];
  }

  async get(id: string): Promise<LoadTestRun> {
    const run = this.slot.find(id) ?? (await this.history?.get(id).catch(() => null));
    if (!run) throw new AppError(ERROR_CODES.NOT_FOUND, `no loop test '${id}'`);
    return run;
  }

  /** The API is stopping: end the run (cancelled) so its result is stored rather than left "running". */
  async beforeApplicationShutdown(): Promise<void> {
    const { active } = this.slot;
    if (active) await this.cancel(active.id);
  }

  private async execute(run: LoadTestExecution, seed: boolean): Promise<void> {
    const onTransition = (t: RedisStateTransition) => run.outages.onTransition(t);
    this.redis.events.on('transition', onTransition);
    const ticker = setInterval(() => this.tick(run), PROGRESS_MS);
    this.events.emit('progress', run.snapshot());
    await this.save(run.snapshot());
    try {
      if (seed && !(await this.seed(run))) return;
      const { request } = run;
      if (request.warmup && !run.signal.aborted) {
        run.phase = 'warmup';
        await this.loop(run, request.warmup, run.stats);
      }
      if (!run.signal.aborted) {
        run.startMeasuring();
        await this.loop(run, request.iterations, run.stats);
      }
      this.end(run, run.signal.aborted ? 'cancelled' : 'completed');
    } catch (e) {
      this.end(run, 'failed', errorMessage(e));
    } finally {
      clearInterval(ticker);
      this.redis.events.off('transition', onTransition);
    }
  }

  /** Inserts the missing users; false when the run ended (cancelled, or the users are still missing). */
  private async seed(run: LoadTestExecution): Promise<boolean> {
    const { count } = run.request.keys;
    this.logger.log(`loop test ${run.id}: seeding users 1..${count}`);
    await seedUsers(this.database.dataSource, { count, signal: run.signal }).catch((e: unknown) => {
      if (!run.signal.aborted) throw e;
    });
    if (run.signal.aborted) {
      this.end(run, 'cancelled');
      return false;
    }
    const missing = count - (await this.existingKeys(count));
    if (missing > 0) {
      this.end(run, 'failed', `${missing} of users 1..${count} are still missing after seeding (ids taken by other rows?)`);
      return false;
    }
    return true;
  }

  private loop(run: LoadTestExecution, total: number, stats: LoadTestStats): Promise<number> {
    const { readRatio, keys } = run.request;
    const pick = keyPicker(keys.distribution, keys.count);
    const { outages } = run;
    const cache = this.cache;
    let writes = 0;
    const read = async (): Promise<void> => {
      const started = performance.now();
      try {
        const { source } = await cache.get(pick());
        stats.read(source, performance.now() - started);
        outages.onRead(source);
      } catch (e) {
        stats.failure(errorKind(e), performance.now() - started, true);
        outages.onRead('none');
      }
    };
    const write = async (): Promise<void> => {
      const started = performance.now();
      try {
        await cache.update(pick(), { city: CITIES[writes++ % CITIES.length] });
        stats.write(performance.now() - started);
      } catch (e) {
        stats.failure(errorKind(e), performance.now() - started, false);
      }
    };
    const iteration = readRatio >= 1 ? read : readRatio <= 0 ? write : () => (Math.random() < readRatio ? read() : write());
    return runLoop({ total, concurrency: run.request.concurrency, signal: run.signal, iteration });
  }

  private tick(run: LoadTestExecution): void {
    run.clock.tick(run.stats.done);
    const snapshot = run.snapshot();
    this.events.emit('progress', snapshot);
    if (Date.now() - this.lastSaveAt >= SAVE_EVERY_MS) void this.save(snapshot);
  }

  private end(run: LoadTestExecution, status: LoadTestRun['status'], error: string | null = null): void {
    if (this.slot.active !== run) return;
    run.finish(status, error);
    const snapshot = this.slot.end(run);
    const { done, successRate } = snapshot.progress;
    this.logger.log(`loop test ${run.id}: ${status} after ${done} iterations (success ${(successRate * 100).toFixed(3)} %)`);
    void this.save(snapshot);
    this.events.emit('ended', snapshot);
  }

  private async save(run: LoadTestRun): Promise<void> {
    if (!this.history) return;
    this.lastSaveAt = Date.now();
    try {
      await this.history.save(run);
    } catch (e) {
      this.logger.warn(`loop test ${run.id}: not stored in the history (${errorMessage(e)}); kept in memory`);
    }
  }

  private async storedRuns(): Promise<LoadTestRun[]> {
    if (!this.history) return [];
    try {
      return await this.history.list();
    } catch (e) {
      this.logger.warn(`loop-test history unreadable (${errorMessage(e)}): listing the runs kept in memory`);
      return [];
    }
  }

  /** How many of users 1..count exist (503 when the database cannot answer). */
  private existingKeys(count: number): Promise<number> {
    const users = this.database.dataSource.getRepository(User);
    return this.database.run(() => users.count({ where: { id: Between(1, count) } }), this.config.mysql.queryTimeout);
  }
}

function errorKind(e: unknown): string {
  return e instanceof AppError ? e.code : ERROR_CODES.INTERNAL;
}

function missingKeys(count: number, missing: number): AppError {
  return new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `${missing} of the users 1..${count} the run reads are not in the database: send "seed": true, or run npm run seed -- --count ${count}`,
    [{ field: 'keys.count', problems: [`users 1..${count} must exist (${missing} missing); or set seed: true`] }],
  );
}

function seedTooLarge(count: number): AppError {
  const max = MAX_SEED_USERS_PER_REQUEST;
  return new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `keys.count ${count} is over the seed limit of ${max} users per request: use a smaller keys.count, or seed with npm run seed -- --count ${count}`,
    [{ field: 'keys.count', problems: [`at most ${max} when seed is true`] }],
  );
}
