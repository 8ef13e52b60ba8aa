import { EventEmitter } from 'node:events';
import { errorMessage } from '@rrl/contracts';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import {
  AppError,
  ERROR_CODES,
  type BreakerTransition,
  type CacheStats,
  type ClearResult,
  type CreateUserInput,
  type ReadOutcome,
  type ReadSource,
  type UpdateUserInput,
  type UserDto,
  type UserReadResult,
  type WarmRequest,
  type WarmResult,
} from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService, InvalidationLog, userNotFound, UsersRepository, type InvalidationMark } from '@rrl/users';
import { BrokenCircuitError } from 'cockatiel';
import type Redis from 'ioredis';
import { CacheKeys, NOT_FOUND_MARKER } from './cache-keys';
import { PendingInvalidations } from './pending-invalidations';
import { RedisCircuitBreaker } from './redis-circuit-breaker';
import { SingleFlight } from './single-flight';
import { WriteTracker } from './write-tracker';

export interface WarmProgress {
  warmed: number;
  batches: number;
  lastId: number;
}

export interface UserCacheEvents {
  read: [ReadOutcome];
  breaker: [BreakerTransition];
}

type RedisRead = { kind: 'hit'; raw: string } | { kind: 'miss' } | { kind: 'unavailable' };
type Lookup = { user: UserDto | null; source: ReadSource };
const MISS: RedisRead = { kind: 'miss' };
const UNAVAILABLE: RedisRead = { kind: 'unavailable' };

/** Keys deleted per DEL/UNLINK: large enough to be few round trips, small enough not to block Redis. */
const DELETE_CHUNK = 500;
/** SCAN COUNT hint for clear(). */
const SCAN_COUNT = 1000;
/** How often a read retries loading the invalidation log while the database cannot be read. */
const LOG_RETRY_MS = 1000;

/**
 * Read-through / write-through cache of users in Redis, in front of UsersRepository.
 * Redis is optional: every Redis call goes through a circuit breaker, and any Redis failure
 * turns into a database read. Writes that could not reach Redis leave the key "pending
 * invalidation" so it is never read from Redis again until it has been deleted there. The marks
 * are also written to the database (InvalidationLog), which is read back at boot and whenever the
 * Redis connection becomes ready, so a restart or another instance never serves a stale key either.
 */
@Injectable()
export class UserCacheService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly events = new EventEmitter<UserCacheEvents>();
  readonly breaker: RedisCircuitBreaker;
  private readonly logger = new Logger('UserCache');
  private readonly keys: CacheKeys;
  private readonly flights = new SingleFlight<number, UserDto | null>();
  private readonly pending = new PendingInvalidations();
  private readonly writes = new WriteTracker();
  private readonly caching: AppConfig['redis']['caching'];
  private flushing: Promise<void> | null = null;
  /**
   * Whether the durable marks have been read since boot / the last Redis (re)connect. Until they
   * are, reads bypass Redis while the log is first read (milliseconds). When it cannot be read
   * (database down or hung), Redis serves, since nothing else could answer, and reads retry the
   * log in the background at most once per LOG_RETRY_MS without waiting for it.
   */
  private logLoaded = false;
  private loadingLog: Promise<void> | null = null;
  /** Reads wait while loadingLog runs: true for the first attempt after boot, a connect or a ready. */
  private logGating = false;
  private lastLogAttempt = 0;
  private readonly counters = { hits: 0, misses: 0, negativeHits: 0, redisErrors: 0, breakerRejections: 0, coalescedMisses: 0, dbReads: 0 };
  /** Redis is back: stop bypassing it at once (no wait for the next half-open probe), after the flush. */
  private readonly onRedisReady = () => {
    this.breaker.closeOnRecovery('Redis connection ready again');
    // Another instance (or this one before a restart) may have marked keys during the outage.
    this.logLoaded = false;
    void this.loadLog(true);
  };

  /** The database is (back) up: read the marks a restart or another instance left there. */
  private readonly onDatabaseConnected = () => {
    if (!this.logLoaded) void this.loadLog(true);
  };

  constructor(
    private readonly redis: RedisConnectionService,
    private readonly users: UsersRepository,
    private readonly database: DatabaseConnectionService,
    private readonly log: InvalidationLog,
    @InjectAppConfig() config: AppConfig,
  ) {
    this.caching = config.redis.caching;
    this.keys = new CacheKeys(config.redis.caching);
    this.breaker = new RedisCircuitBreaker(config.redis.resilience.breaker);
    this.breaker.events.on('transition', (t) => this.events.emit('breaker', t));
    this.redis.events.on('ready', this.onRedisReady);
  }

  onApplicationBootstrap(): void {
    this.database.events.on('connected', this.onDatabaseConnected);
    if (this.database.isConnected()) this.onDatabaseConnected();
    if (this.caching.warmOnBoot) void this.warmWhenStoresAreUp();
  }

  onModuleDestroy(): void {
    this.redis.events.off('ready', this.onRedisReady);
    this.database.events.off('connected', this.onDatabaseConnected);
  }

  // ---- reads -------------------------------------------------------------------------------

  // The read path is the hot path (see bench/run.ts): lookups start before observeRead awaits them,
  // so a cache hit costs as few promise layers and closures as the bookkeeping allows.
  get(id: number): Promise<UserReadResult> {
    return this.observeRead(performance.now(), this.lookupById(id), id);
  }

  getByEmail(email: string): Promise<UserReadResult> {
    return this.observeRead(performance.now(), this.lookupByEmail(email), email);
  }

  private async lookupById(id: number): Promise<Lookup> {
    const key = this.keys.user(id);
    const cached = await this.readRedis(key);
    if (cached.kind === 'hit') {
      if (cached.raw === NOT_FOUND_MARKER) {
        this.counters.negativeHits++;
        return { user: null, source: 'redis' };
      }
      this.counters.hits++;
      return { user: JSON.parse(cached.raw) as UserDto, source: 'redis' };
    }
    this.counters.misses++;
    const { result, joined } = this.flights.run(id, async (flight) => {
      this.counters.dbReads++;
      const mark = this.writes.mark();
      const user = await this.users.findById(id);
      if (!flight.detached && !this.writes.writtenSince(id, mark)) this.fill(key, user);
      return user;
    });
    if (joined) this.counters.coalescedMisses++;
    return { user: await this.fromDatabase(result, cached), source: 'mysql' };
  }

  /** The email key maps to an id; the user found through it must still have that email. */
  private async lookupByEmail(email: string): Promise<Lookup> {
    let redis = await this.readRedis(this.keys.email(email));
    if (redis.kind === 'hit') {
      redis = await this.readRedis(this.keys.user(Number(redis.raw)));
      const user = redis.kind === 'hit' && redis.raw !== NOT_FOUND_MARKER ? (JSON.parse(redis.raw) as UserDto) : null;
      if (user && user.email.toLowerCase() === email.toLowerCase()) {
        this.counters.hits++;
        return { user, source: 'redis' };
      }
    }
    this.counters.misses++;
    this.counters.dbReads++;
    const mark = this.writes.mark();
    const user = await this.fromDatabase(this.users.findByEmail(email), redis);
    if (user && !this.writes.writtenSince(user.id, mark)) {
      this.fill(this.keys.user(user.id), user);
      // Overwrite: a mapping left by an email change would otherwise send every lookup to the database until it expires.
      this.fill(this.keys.email(email), user.id, { overwrite: true });
    }
    return { user, source: 'mysql' };
  }

  /** Both stores failing is its own error: the client learns nothing can answer right now. */
  private async fromDatabase<T>(query: Promise<T>, redis: RedisRead): Promise<T> {
    try {
      return await query;
    } catch (e) {
      if (redis.kind === 'unavailable' && e instanceof AppError && e.code === ERROR_CODES.DATABASE_UNAVAILABLE) {
        throw new AppError(ERROR_CODES.STORES_UNAVAILABLE, `Redis and the database are both unavailable (${e.message})`);
      }
      throw e;
    }
  }

  private async readRedis(key: string): Promise<RedisRead> {
    if (!this.logLoaded && this.logGate()) return UNAVAILABLE;
    if (this.pending.size > 0) {
      void this.flushPending();
      if (this.pending.has(key)) return UNAVAILABLE;
    }
    if (this.breaker.isRejecting()) {
      this.counters.breakerRejections++;
      return UNAVAILABLE;
    }
    try {
      const raw = await this.breaker.execute(() => this.redis.client.get(key));
      return raw === null ? MISS : { kind: 'hit', raw };
    } catch (e) {
      if (e instanceof BrokenCircuitError) this.counters.breakerRejections++;
      else this.counters.redisErrors++;
      return UNAVAILABLE;
    }
  }

  /** Read-populate: SET NX so it never overwrites what a write put there; not awaited. */
  private fill(key: string, value: UserDto | number | null, { overwrite = false } = {}): void {
    if (this.pending.has(key) || this.breaker.isRejecting()) return;
    if (value === null && this.caching.negativeTtl === 0) return;
    const ttl = value === null ? this.caching.negativeTtl : this.keys.ttlSeconds();
    const raw = value === null ? NOT_FOUND_MARKER : JSON.stringify(value);
    const set = (c: Redis) => (overwrite ? c.set(key, raw, 'EX', ttl) : c.set(key, raw, 'EX', ttl, 'NX'));
    this.viaRedis(set).catch(() => undefined);
  }

  private async observeRead(started: number, lookup: Promise<Lookup>, wanted: number | string): Promise<UserReadResult> {
    try {
      const { user, source } = await lookup;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      this.emitRead({ source, durationMs, ok: true });
      if (!user)
        throw typeof wanted === 'number' ? userNotFound(wanted) : new AppError(ERROR_CODES.USER_NOT_FOUND, `No user with email ${wanted}`);
      return { user, source, durationMs };
    } catch (e) {
      if (!(e instanceof AppError && e.statusCode === 404)) {
        const durationMs = Math.round((performance.now() - started) * 100) / 100;
        this.emitRead({ source: 'none', durationMs, ok: false, errorKind: e instanceof AppError ? e.code : 'INTERNAL' });
      }
      throw e;
    }
  }

  private emitRead(outcome: ReadOutcome): void {
    if (this.events.listenerCount('read') > 0) this.events.emit('read', outcome);
  }

  // ---- writes ------------------------------------------------------------------------------

  async create(input: CreateUserInput): Promise<UserDto> {
    const user = await this.users.create(input);
    // Overwrites a negative entry for this id, if a miss cached one.
    await this.writeThrough(user.id, [this.keys.user(user.id), this.keys.email(user.email)], (m) => {
      m.set(this.keys.user(user.id), JSON.stringify(user), 'EX', this.keys.ttlSeconds());
      m.set(this.keys.email(user.email), String(user.id), 'EX', this.keys.ttlSeconds());
    });
    return user;
  }

  async update(id: number, input: UpdateUserInput): Promise<UserDto> {
    const user = await this.users.update(id, input);
    // A mapping from the old email is left behind; lookupByEmail checks the email, so it is harmless.
    await this.writeThrough(id, [this.keys.user(id), this.keys.email(user.email)], (m) => {
      m.set(this.keys.user(id), JSON.stringify(user), 'EX', this.keys.ttlSeconds());
      m.set(this.keys.email(user.email), String(id), 'EX', this.keys.ttlSeconds());
    });
    return user;
  }

  async delete(id: number): Promise<void> {
    await this.users.delete(id);
    // A tombstone rather than DEL: a read that loaded the user just before cannot SET NX it back.
    await this.writeThrough(id, [this.keys.user(id)], (m) => {
      if (this.caching.negativeTtl > 0) m.set(this.keys.user(id), NOT_FOUND_MARKER, 'EX', this.caching.negativeTtl);
      else m.del(this.keys.user(id));
    });
  }

  /** After the database write: update Redis in one MULTI, or remember the keys as pending. */
  private async writeThrough(id: number, keys: string[], commands: (m: ReturnType<Redis['multi']>) => void): Promise<void> {
    this.writes.record(id);
    this.flights.forget(id);
    if (this.breaker.isRejecting()) return this.markPending(keys, 'circuit open');
    try {
      await this.viaRedis(async (c) => {
        const multi = c.multi();
        commands(multi);
        const results = await multi.exec();
        const failed = results?.find(([err]) => err);
        if (!results || failed) throw failed?.[0] ?? new Error('MULTI aborted');
      });
    } catch (e) {
      await this.markPending(keys, errorMessage(e));
    }
  }

  private async markPending(keys: string[], reason: string): Promise<void> {
    const marks = this.pending.mark(...keys);
    this.logger.warn(`Could not update ${keys.join(', ')} in Redis (${reason}); reads bypass Redis for them until they are deleted there`);
    try {
      await this.log.record(marks);
    } catch (e) {
      // This process still knows; only a restart or another instance before the flush would not.
      this.logger.warn(`Could not record pending invalidation of ${keys.join(', ')} in the database: ${errorMessage(e)}`);
    }
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
      void this.flushPending(); // what is known, also when the log could not be read
    });
    this.loadingLog = load;
    return load;
  }

  /** Never rejects: false when the log could not be read (logged; a later read retries). */
  private async readLog(after: Promise<void> | null): Promise<boolean> {
    await after;
    try {
      const marks = await this.log.list();
      this.pending.restore(marks);
      if (marks.length > 0)
        this.logger.log(`${marks.length} key(s) marked pending in the database; reads bypass Redis for them until they are deleted there`);
      return true;
    } catch (e) {
      this.logger.warn(`Could not read pending invalidations from the database (${errorMessage(e)}); Redis serves meanwhile`);
      return false;
    }
  }

  /**
   * DEL every pending key, then let Redis serve them again. Runs on the connection's "ready"
   * event and lazily before Redis reads. Goes straight to the client, not through the breaker:
   * it is the recovery path, and a failure only leaves the keys pending for the next try.
   */
  private flushPending(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0 || !this.redis.isReady()) return Promise.resolve();
    const snapshot = this.pending.snapshot();
    const keys = snapshot.map(([k]) => k);
    this.flushing = (async () => {
      try {
        for (let i = 0; i < keys.length; i += DELETE_CHUNK) await this.redis.client.del(...keys.slice(i, i + DELETE_CHUNK));
        this.pending.clearIfUnchanged(snapshot);
        this.logger.log(`Invalidated ${keys.length} key(s) written while Redis was unreachable`);
        await this.forget(snapshot);
      } catch (e) {
        this.logger.debug(`Pending invalidation not flushed yet: ${errorMessage(e)}`);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  // ---- bulk --------------------------------------------------------------------------------

  /**
   * Loads users from the database in id batches and writes each batch with one pipeline; the
   * next batch is read from the database while the current one is written to Redis.
   */
  async warm(request: WarmRequest = {}, onProgress?: (p: WarmProgress) => void): Promise<WarmResult> {
    const started = performance.now();
    const batchSize = request.batchSize ?? this.caching.warmBatchSize;
    const batchesOf = this.users.iterateBatches({ fromId: request.fromId, toId: request.toId, batchSize });
    const fetchNext = () => {
      const mark = this.writes.mark();
      return batchesOf.next().then((next) => ({ next, mark }));
    };
    let warmed = 0;
    let batches = 0;
    let pending = fetchNext();
    try {
      for (;;) {
        const { next, mark } = await pending;
        if (next.done) break;
        pending = fetchNext();
        // Skip users written meanwhile (their write already updated Redis) and keys still pending.
        const fresh = next.value.filter((u) => !this.writes.writtenSince(u.id, mark) && !this.pending.has(this.keys.user(u.id)));
        await this.orRedisUnavailable(() => this.viaRedis((c) => this.writeBatch(c, fresh)));
        warmed += fresh.length;
        batches++;
        onProgress?.({ warmed, batches, lastId: next.value[next.value.length - 1].id });
      }
    } finally {
      // Stop the read-ahead when Redis failed mid-way; its result (or error) is not needed.
      pending.catch(() => undefined);
      await batchesOf.return(undefined);
    }
    return { warmed, batches, durationMs: Math.round(performance.now() - started) };
  }

  private async writeBatch(client: Redis, users: UserDto[]): Promise<void> {
    const pipeline = client.pipeline();
    for (const u of users) {
      pipeline.set(this.keys.user(u.id), JSON.stringify(u), 'EX', this.keys.ttlSeconds());
      pipeline.set(this.keys.email(u.email), String(u.id), 'EX', this.keys.ttlSeconds());
    }
    const failed = (await pipeline.exec())?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  /** Deletes every key under the prefix with SCAN + UNLINK (never KEYS, which blocks Redis). */
  async clear(): Promise<ClearResult> {
    const snapshot = this.pending.snapshot();
    const pattern = this.keys.pattern();
    let cursor = '0';
    let deleted = 0;
    do {
      const [nextCursor, keys] = await this.orRedisUnavailable(() =>
        this.viaRedis((c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)),
      );
      cursor = nextCursor;
      if (keys.length > 0) deleted += await this.orRedisUnavailable(() => this.viaRedis((c) => c.unlink(...keys)));
    } while (cursor !== '0');
    // Every key is gone, so the ones pending before the scan are invalidated too.
    this.pending.clearIfUnchanged(snapshot);
    await this.forget(snapshot);
    return { deleted };
  }

  stats(): CacheStats {
    const c = this.counters;
    const answered = c.hits + c.negativeHits + c.misses;
    return {
      ...c,
      pendingInvalidations: this.pending.size,
      hitRate: answered === 0 ? 0 : Math.round(((c.hits + c.negativeHits) / answered) * 10_000) / 10_000,
      breaker: { state: this.breaker.state, transitions: this.breaker.history() },
    };
  }

  // ---- plumbing ----------------------------------------------------------------------------

  /** Drops invalidated marks from the durable log; a row left behind only costs a needless DEL later. */
  private async forget(marks: readonly InvalidationMark[]): Promise<void> {
    if (marks.length === 0) return;
    try {
      await this.log.clear(marks);
    } catch (e) {
      this.logger.debug(`Pending invalidations not removed from the database yet: ${errorMessage(e)}`);
    }
  }

  /** One Redis call through the breaker, on the client current at call time. */
  private async viaRedis<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => command(this.redis.client));
    } catch (e) {
      if (!(e instanceof BrokenCircuitError)) this.counters.redisErrors++;
      throw e;
    }
  }

  private async orRedisUnavailable<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      const reason = e instanceof BrokenCircuitError ? 'the circuit breaker is open' : errorMessage(e);
      throw new AppError(ERROR_CODES.REDIS_UNAVAILABLE, `Redis unavailable: ${reason}`);
    }
  }

  private async warmWhenStoresAreUp(): Promise<void> {
    try {
      await this.database.whenConnected(60_000);
      if (!this.redis.isReady()) await new Promise<void>((resolve) => this.redis.events.once('ready', resolve));
      const result = await this.warm();
      this.logger.log(`Warmed ${result.warmed} users in ${result.durationMs} ms (${result.batches} batches)`);
    } catch (e) {
      this.logger.warn(`Cache warm at boot skipped: ${errorMessage(e)}`);
    }
  }
}
