import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, InjectAppConfig } from '@rrl/config';
import { errorMessage } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { InvalidationLog, type InvalidationMark, UsersRepository } from '@rrl/users';
import { CacheKeys } from './cache-keys';
import { InvalidationLogLoader } from './invalidation-log.loader';
import { InvalidationLogPoller } from './invalidation-log.poller';
import { InvalidationMarks } from './invalidation-marks';
import { NodeSwitchInvalidator } from './node-switch.invalidator';
import { OutageWriteReporter } from './outage-write.reporter';
import { RedisCacheRepository } from './redis-cache.repository';

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
 * ready (InvalidationLogLoader), and polled while Redis is up (InvalidationLogPoller); after a
 * switch to another Redis node the recent writes are marked too (NodeSwitchInvalidator).
 */
@Injectable()
export class PendingInvalidationsService implements OnApplicationBootstrap, OnModuleDestroy {
  /** Test-only switch; see InvalidationBookkeeping. */
  bookkeeping: InvalidationBookkeeping = 'durable';
  private readonly logger = new Logger('UserCache');
  private readonly marks = new InvalidationMarks();
  private readonly reporter = new OutageWriteReporter(() => this.marks.size);
  private readonly nodeSwitch: NodeSwitchInvalidator;
  private readonly loader = new InvalidationLogLoader({
    read: () => this.readLog(),
    canRetry: () => this.database.isConnected(),
    afterRead: () => void this.flush(), // what is known, also when the log could not be read
  });
  private readonly poller = new InvalidationLogPoller({
    // Until the log has been read once (since boot / the last ready), reads retry that themselves;
    // while Redis is not ready reads do not use it, and its next ready reads the log anyway.
    canPoll: () =>
      this.bookkeeping === 'durable' &&
      this.loader.isLoaded &&
      !this.loader.isLoading &&
      this.redis.isReady() &&
      this.database.isConnected(),
    list: () => this.log.list(),
    found: (marks) => {
      this.marks.restore(marks);
      void this.flush();
    },
    failed: (e) => this.logger.debug(`Pending invalidations not polled: ${errorMessage(e)}`),
  });
  private flushing: Promise<void> | null = null;

  /** Another instance (or this one before a restart) may have marked keys during the outage. */
  private readonly onRedisReady = () => {
    this.nodeSwitch.readied(this.redis.history(1)[0], this.redis.status().stats.lastRecoveryMs ?? 0);
    void this.loader.reload();
  };

  /** The database is (back) up: read the marks a restart or another instance left there. */
  private readonly onDatabaseConnected = () => this.loader.loadIfNeeded();

  constructor(
    private readonly redis: RedisConnectionService,
    private readonly redisCache: RedisCacheRepository,
    private readonly database: DatabaseConnectionService,
    private readonly log: InvalidationLog,
    users: UsersRepository,
    @InjectAppConfig() config: AppConfig,
  ) {
    const keys = new CacheKeys(config.redis.caching);
    this.nodeSwitch = new NodeSwitchInvalidator(users, (id) => keys.user(id));
    this.redis.events.on('ready', this.onRedisReady);
  }

  onApplicationBootstrap(): void {
    this.database.events.on('connected', this.onDatabaseConnected);
    if (this.database.isConnected()) this.onDatabaseConnected();
    this.poller.start();
  }

  onModuleDestroy(): void {
    this.poller.stop();
    this.redis.events.off('ready', this.onRedisReady);
    this.database.events.off('connected', this.onDatabaseConnected);
    this.reporter.dispose();
  }

  get size(): number {
    return this.marks.size;
  }

  /** On every read, so cheap: true when this read must not use Redis for `key`. */
  bypasses(key: string): boolean {
    if (this.loader.holdsReads()) return true;
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

  /** The loader's read: the recent writes after a node switch, then the durable marks. Never rejects. */
  private async readLog(): Promise<boolean> {
    if (this.bookkeeping === 'off') return true;
    const switched = await this.nodeSwitch.keysToInvalidate();
    if (!switched) return false;
    this.marks.mark(...switched);
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
