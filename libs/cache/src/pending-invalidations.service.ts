import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService, InvalidationLog, type InvalidationMark } from '@rrl/users';
import { InvalidationMarks } from './invalidation-marks';
import { OutageWriteReporter } from './outage-write.reporter';
import { RedisCacheRepository } from './redis-cache.repository';

/** How often a read retries loading the invalidation log while the database cannot be read. */
export const LOG_RETRY_MS = 1000;

/**
 * How much of the no-stale-read bookkeeping runs. Always "durable" in the app; the tests switch it
 * down to show the stale read each no-stale-read test guards against: "memory" keeps the marks in
 * this process only (no InvalidationLog), "off" keeps none.
 */
export type InvalidationBookkeeping = 'durable' | 'memory' | 'off';

/**
 * The keys a write could not update in Redis (Redis down, timed out, circuit open), in memory for
 * the read path and in the database (InvalidationLog) for restarts and other instances. Reads of a
 * pending key bypass Redis until a DEL of it succeeded after Redis came back (flush). The marks in
 * the database are read back at boot, whenever the database connects and whenever Redis becomes
 * ready; until the first of those reads is done, reads bypass Redis altogether (milliseconds).
 */
@Injectable()
export class PendingInvalidationsService implements OnApplicationBootstrap, OnModuleDestroy {
  /** Test-only switch; see InvalidationBookkeeping. */
  bookkeeping: InvalidationBookkeeping = 'durable';
  private readonly logger = new Logger('UserCache');
  private readonly marks = new InvalidationMarks();
  private readonly reporter = new OutageWriteReporter(() => this.marks.size);
  private flushing: Promise<void> | null = null;
  /**
   * Whether the durable marks have been read since boot / the last Redis (re)connect. When they
   * cannot be read (database down or hung), Redis serves, since nothing else could answer, and
   * reads retry the log in the background at most once per LOG_RETRY_MS without waiting for it.
   */
  private logLoaded = false;
  private loadingLog: Promise<void> | null = null;
  /** Reads wait while loadingLog runs: true for the first attempt after boot, a connect or a ready. */
  private logGating = false;
  private lastLogAttempt = 0;

  /** Another instance (or this one before a restart) may have marked keys during the outage. */
  private readonly onRedisReady = () => {
    this.logLoaded = false;
    void this.loadLog(true);
  };

  /** The database is (back) up: read the marks a restart or another instance left there. */
  private readonly onDatabaseConnected = () => {
    if (!this.logLoaded) void this.loadLog(true);
  };

  constructor(
    private readonly redis: RedisConnectionService,
    private readonly redisCache: RedisCacheRepository,
    private readonly database: DatabaseConnectionService,
    private readonly log: InvalidationLog,
  ) {
    this.redis.events.on('ready', this.onRedisReady);
  }

  onApplicationBootstrap(): void {
    this.database.events.on('connected', this.onDatabaseConnected);
    if (this.database.isConnected()) this.onDatabaseConnected();
  }

  onModuleDestroy(): void {
    this.redis.events.off('ready', this.onRedisReady);
    this.database.events.off('connected', this.onDatabaseConnected);
    this.reporter.dispose();
  }

  get size(): number {
    return this.marks.size;
  }

  /** On every read, so cheap: true when this read must not use Redis for `key`. */
  bypasses(key: string): boolean {
    if (!this.logLoaded && this.logGate()) return true;
    if (this.marks.size === 0) return false;
    void this.flush();
    return this.marks.has(key);
  }

  /** True when `key` must not be filled from the database (its Redis value is still to be deleted). */
  has(key: string): boolean {
    return this.marks.has(key);
  }

  /** A write could not update `keys` in Redis: mark them, in memory at once and in the database before returning. */
  async writeMissed(keys: string[], reason: string): Promise<void> {
    if (this.bookkeeping === 'off') return;
    const marks = this.marks.mark(...keys);
    this.reporter.writeMissed(keys, reason);
    if (this.bookkeeping === 'memory') return;
    try {
      await this.log.record(marks);
    } catch (e) {
      // This process still knows; only a restart or another instance before the flush would not.
      this.reporter.notRecorded(keys, errorMessage(e));
    }
  }

  /** The current marks; hand them to invalidated() once every key of the cache was deleted (clear). */
  snapshot(): InvalidationMark[] {
    return this.marks.snapshot();
  }

  /** The keys of `snapshot` were deleted in Redis: drop their marks, unless a newer write marked a key again. */
  async invalidated(snapshot: readonly InvalidationMark[]): Promise<void> {
    this.marks.clearIfUnchanged(snapshot);
    if (snapshot.length === 0 || this.bookkeeping !== 'durable') return;
    try {
      await this.log.clear(snapshot);
    } catch (e) {
      // A row left behind only costs a needless DEL later.
      this.logger.debug(`Pending invalidations not removed from the database yet: ${errorMessage(e)}`);
    }
  }

  /**
   * DEL every pending key, then let Redis serve them again. Runs after the log was read (a Redis
   * ready, a database connect) and lazily before Redis reads; one at a time.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.marks.size === 0 || !this.redisCache.isReady()) return Promise.resolve();
    const snapshot = this.marks.snapshot();
    this.flushing = (async () => {
      try {
        await this.redisCache.invalidate(snapshot.map(([k]) => k));
        const forgetting = this.invalidated(snapshot); // drops the marks in memory at once
        this.reporter.invalidated(snapshot.length, this.marks.size);
        await forgetting;
      } catch (e) {
        this.logger.debug(`Pending invalidation not flushed yet: ${errorMessage(e)}`);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /**
   * True when this read must not use Redis yet: the durable marks are being read for the first
   * time since boot, a database connect or a Redis ready. Otherwise retries reading them in the
   * background, at most once per LOG_RETRY_MS, and lets the read use Redis.
   */
  private logGate(): boolean {
    if (this.loadingLog) return this.logGating;
    if (this.database.isConnected() && performance.now() - this.lastLogAttempt >= LOG_RETRY_MS) {
      void this.loadLog(false);
    }
    return false;
  }

  /**
   * Reads the durable marks into memory, then flushes the pending keys. A read already running is
   * followed by a fresh one, and only the newest read counts as loaded: one that started before a
   * later Redis ready may have missed marks made during that outage.
   */
  private loadLog(gating: boolean): Promise<void> {
    this.logGating = gating;
    this.lastLogAttempt = performance.now();
    const load: Promise<void> = this.readLog(this.loadingLog).then((read) => {
      if (this.loadingLog !== load) return;
      this.loadingLog = null;
      this.logLoaded = read;
      void this.flush(); // what is known, also when the log could not be read
    });
    this.loadingLog = load;
    return load;
  }

  /** Never rejects: false when the log could not be read (logged; a later read retries). */
  private async readLog(after: Promise<void> | null): Promise<boolean> {
    await after;
    if (this.bookkeeping !== 'durable') return true;
    try {
      const marks = await this.log.list();
      this.marks.restore(marks);
      if (marks.length > 0)
        this.logger.log(`${marks.length} key(s) marked pending in the database; reads bypass Redis for them until they are deleted there`);
      return true;
    } catch (e) {
      this.logger.warn(`Could not read pending invalidations from the database (${errorMessage(e)}); Redis serves meanwhile`);
      return false;
    }
  }
}
