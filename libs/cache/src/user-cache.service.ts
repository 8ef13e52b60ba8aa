import { EventEmitter } from 'node:events';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import {
  AppError,
  ERROR_CODES,
  errorMessage,
  type BreakerTransition,
  type CacheStats,
  type ClearResult,
  type CreateUserInput,
  type ReadCacheOutcome,
  type ReadOutcome,
  type ReadOutcomeSource,
  type UpdateUserInput,
  type UserDto,
  type UserReadResult,
  type WarmRequest,
  type WarmResult,
  type WriteOutcome,
} from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { userNotFound, UsersRepository } from '@rrl/users';
import { CacheKeys, NOT_FOUND_MARKER } from './cache-keys';
import { CacheWarmer, type WarmProgress } from './cache-warmer';
import { PendingInvalidationsService } from './pending-invalidations.service';
import type { RedisCircuitBreaker } from './redis-circuit-breaker';
import { REDIS_UNAVAILABLE, RedisCacheRepository, type RedisRead, type RedisTransaction } from './redis-cache.repository';
import { SingleFlight } from './single-flight';
import { WriteTracker } from './write-tracker';

export interface UserCacheEvents {
  read: [ReadOutcome];
  breaker: [BreakerTransition];
  write: [WriteOutcome];
}

/** What a lookup found; a failed database read is returned, not thrown, so its event can say what the cache did. */
interface Lookup {
  user: UserDto | null;
  source: ReadOutcomeSource;
  cache: ReadCacheOutcome;
  error?: Error;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

const roundedMs = (started: number) => Math.round((performance.now() - started) * 100) / 100;

const OPENING_BRACE = 0x7b;

/** A read whose user is still JSON text (getJson): what the HTTP read sends on. */
export interface UserReadJson {
  /** The user as JSON (an object). */
  userJson: string;
  source: UserReadResult['source'];
  durationMs: number;
}

/**
 * Read-through / write-through cache of users in Redis, in front of UsersRepository. Composes the
 * layers: RedisCacheRepository (every Redis call, behind the circuit breaker; any failure turns
 * into a database read), PendingInvalidationsService (keys a write could not update are never read
 * from Redis until deleted there, across restarts and instances) and CacheWarmer. Owns the read and
 * write paths, their race guards (single-flight, write tracker, delete tombstone) and the stats.
 */
@Injectable()
export class UserCacheService implements OnApplicationBootstrap {
  readonly events = new EventEmitter<UserCacheEvents>();
  readonly breaker: RedisCircuitBreaker;
  private readonly keys: CacheKeys;
  private readonly flights = new SingleFlight<number, UserDto | null>();
  private readonly writes = new WriteTracker();
  private readonly warmer: CacheWarmer;
  private readonly caching: AppConfig['redis']['caching'];
  private readonly counters = { hits: 0, misses: 0, negativeHits: 0, coalescedMisses: 0, dbReads: 0 };

  constructor(
    private readonly redisCache: RedisCacheRepository,
    private readonly invalidations: PendingInvalidationsService,
    private readonly users: UsersRepository,
    private readonly database: DatabaseConnectionService,
    private readonly redis: RedisConnectionService,
    @InjectAppConfig() config: AppConfig,
  ) {
    this.caching = config.redis.caching;
    this.keys = new CacheKeys(config.redis.caching);
    this.breaker = redisCache.breaker;
    this.breaker.events.on('transition', (t) => this.events.emit('breaker', t));
    const { keys, writes } = this;
    this.warmer = new CacheWarmer({ users, redisCache, invalidations, writes, keys, batchSize: config.redis.caching.warmBatchSize });
  }

  onApplicationBootstrap(): void {
    if (this.caching.warmOnBoot) void this.warmer.warmAtBoot(this.database, this.redis);
  }

  // ---- reads -------------------------------------------------------------------------------

  // The read path is the hot path (see bench/run.ts): a cache hit costs one then() on top of the
  // Redis client's promise (no async frames); misses, bypasses and failures start their lookup
  // before observeRead awaits it.
  get(id: number): Promise<UserReadResult> {
    return this.read(id, this.servedHit, (result) => result);
  }

  /**
   * get() for a caller that sends the user on as JSON (the HTTP read): a hit's cached text is
   * handed over as it is, neither parsed nor serialised again; other reads serialise what they found.
   */
  getJson(id: number): Promise<UserReadJson> {
    return this.read(id, this.servedHitJson, ({ user, source, durationMs }) => ({ userJson: JSON.stringify(user), source, durationMs }));
  }

  /** A read by id: `hit` answers a user found in Redis inside the one then() the Redis read needs; anything else takes the full lookup. */
  private read<R>(
    id: number,
    hit: (started: number, raw: string, id: number) => R | Promise<R>,
    looked: (result: UserReadResult) => R,
  ): Promise<R> {
    const started = performance.now();
    const key = this.keys.user(id);
    if (this.invalidations.bypasses(key)) return this.observeRead(started, this.lookupById(id, key, REDIS_UNAVAILABLE), id).then(looked);
    return this.redisCache
      .get(key)
      .then((cached) =>
        cached.kind === 'hit' && cached.raw !== NOT_FOUND_MARKER
          ? hit(started, cached.raw, id)
          : this.observeRead(started, this.lookupById(id, key, cached), id).then(looked),
      );
  }

  getByEmail(email: string): Promise<UserReadResult> {
    return this.observeRead(performance.now(), this.lookupByEmail(email), email);
  }

  private readRedis(key: string): Promise<RedisRead> | RedisRead {
    return this.invalidations.bypasses(key) ? REDIS_UNAVAILABLE : this.redisCache.get(key);
  }

  /** A user found in Redis: counted, parsed and reported as observeRead() would (a corrupt value goes through it). */
  private readonly servedHit = (started: number, raw: string, id: number): UserReadResult | Promise<UserReadResult> => {
    let user: UserDto;
    try {
      user = JSON.parse(raw) as UserDto;
    } catch (e) {
      this.counters.hits++;
      return this.observeRead(started, Promise.reject(asError(e)), id);
    }
    return { user, source: 'redis', durationMs: this.countHit(started) };
  };

  /**
   * The same for getJson(), unparsed: every value in the cache is JSON.stringify() of a user (fill,
   * writes, warming), so a value that starts as an object is served as it is; anything else is
   * corrupt and goes through servedHit's parse, which reports it.
   */
  private readonly servedHitJson = (started: number, raw: string, id: number): UserReadJson | Promise<UserReadJson> =>
    raw.charCodeAt(0) === OPENING_BRACE
      ? { userJson: raw, source: 'redis', durationMs: this.countHit(started) }
      : Promise.resolve(this.servedHit(started, raw, id)).then((r) => ({
          userJson: JSON.stringify(r.user),
          source: r.source,
          durationMs: r.durationMs,
        }));

  /** Counts a hit and reports it to the read listeners (metrics); its duration in ms. */
  private countHit(started: number): number {
    this.counters.hits++;
    const durationMs = roundedMs(started);
    if (this.events.listenerCount('read') > 0) this.events.emit('read', { source: 'redis', durationMs, ok: true, cache: 'hit' });
    return durationMs;
  }

  /** The rest of a read by id once Redis answered `cached` (or was bypassed); get() answers real hits itself. */
  private async lookupById(id: number, key: string, cached: RedisRead): Promise<Lookup> {
    if (cached.kind === 'hit') {
      // Only the not-found marker arrives here as a hit.
      this.counters.negativeHits++;
      return { user: null, source: 'redis', cache: 'negative-hit' };
    }
    this.counters.misses++;
    const { result, joined } = this.flights.run(id, async (flight) => {
      this.counters.dbReads++;
      const mark = this.writes.mark();
      // The lease is in Redis before the query starts, so a write committed after the query began
      // (in any instance) deletes it and this fill fails; a Redis that cannot answer gives none.
      const lease = cached.kind === 'miss' ? await this.redisCache.takeLease(key) : null;
      const user = await this.users.findById(id);
      // Guard: a write since the query started (it dropped this flight too) already put the newer value in Redis.
      if (lease !== null && !flight.detached && !this.writes.writtenSince(id, mark)) this.fill(key, lease, user);
      return user;
    });
    if (joined) this.counters.coalescedMisses++;
    return this.fromDatabase(result, cached);
  }

  /**
   * The email key maps to an id; the user found through it must still have that email. The user's
   * own key is filled only when the mapping named the id before the query, so its lease could be taken.
   */
  private async lookupByEmail(email: string): Promise<Lookup> {
    let redis = await this.readRedis(this.keys.email(email));
    let mappedKey: string | null = null;
    if (redis.kind === 'hit') {
      mappedKey = this.keys.user(Number(redis.raw));
      redis = await this.readRedis(mappedKey);
      const user = redis.kind === 'hit' && redis.raw !== NOT_FOUND_MARKER ? (JSON.parse(redis.raw) as UserDto) : null;
      if (user && user.email.toLowerCase() === email.toLowerCase()) {
        this.counters.hits++;
        return { user, source: 'redis', cache: 'hit' };
      }
    }
    this.counters.misses++;
    this.counters.dbReads++;
    const mark = this.writes.mark();
    const lease = mappedKey !== null && redis.kind === 'miss' ? await this.redisCache.takeLease(mappedKey) : null;
    const found = await this.fromDatabase(this.users.findByEmail(email), redis);
    const { user } = found;
    if (user && !this.writes.writtenSince(user.id, mark)) {
      if (lease !== null && mappedKey === this.keys.user(user.id)) this.fill(mappedKey, lease, user);
      // Overwrite: a mapping left by an email change would otherwise send every lookup to the database until it expires.
      if (!this.invalidations.has(this.keys.email(email)) && redis.kind !== 'unavailable')
        this.redisCache.fillUnguarded(this.keys.email(email), String(user.id), this.keys.ttlSeconds());
    }
    return found;
  }

  /** Both stores failing is its own error: the client learns nothing can answer right now. */
  private async fromDatabase(query: Promise<UserDto | null>, redis: RedisRead): Promise<Lookup> {
    const cache = redis.kind === 'unavailable' ? 'fallback' : 'miss';
    try {
      return { user: await query, source: 'mysql', cache };
    } catch (e) {
      const both = redis.kind === 'unavailable' && e instanceof AppError && e.code === ERROR_CODES.DATABASE_UNAVAILABLE;
      const error = both ? new AppError(ERROR_CODES.STORES_UNAVAILABLE, `Redis and the database are both unavailable (${e.message})`) : e;
      return { user: null, source: 'none', cache, error: asError(error) };
    }
  }

  /** Read-populate under the lease taken before the query: never overwrites what a write put there; not awaited. */
  private fill(key: string, lease: string, value: UserDto | null): void {
    if (this.invalidations.has(key)) return;
    if (value === null && this.caching.negativeTtl === 0) return;
    const ttl = value === null ? this.caching.negativeTtl : this.keys.ttlSeconds();
    this.redisCache.fillLeased(key, lease, value === null ? NOT_FOUND_MARKER : JSON.stringify(value), ttl);
  }

  private async observeRead(started: number, lookup: Promise<Lookup>, wanted: number | string): Promise<UserReadResult> {
    let found: Lookup;
    try {
      found = await lookup;
    } catch (e) {
      // Only parsing what Redis returned can throw here (a corrupt value): Redis answered, the read failed.
      found = { user: null, source: 'none', cache: 'hit', error: asError(e) };
    }
    const { user, source, cache, error } = found;
    const durationMs = roundedMs(started);
    if (error !== undefined) {
      if (!(error instanceof AppError && error.statusCode === 404) && this.events.listenerCount('read') > 0) {
        this.events.emit('read', {
          source: 'none',
          durationMs,
          ok: false,
          errorKind: error instanceof AppError ? error.code : 'INTERNAL',
          cache,
        });
      }
      throw error;
    }
    if (this.events.listenerCount('read') > 0) this.events.emit('read', { source, durationMs, ok: true, cache });
    if (!user)
      throw typeof wanted === 'number' ? userNotFound(wanted) : new AppError(ERROR_CODES.USER_NOT_FOUND, `No user with email ${wanted}`);
    return { user, source: source as UserReadResult['source'], durationMs };
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
    // A tombstone rather than DEL: a read that loaded the user just before (in another instance,
    // which this one's write tracker knows nothing of) cannot SET NX it back.
    await this.writeThrough(id, [this.keys.user(id)], (m) => {
      if (this.caching.negativeTtl > 0) m.set(this.keys.user(id), NOT_FOUND_MARKER, 'EX', this.caching.negativeTtl);
      else m.del(this.keys.user(id));
    });
  }

  /** After the database write: update Redis in one MULTI, or mark the keys pending. */
  private async writeThrough(id: number, keys: string[], commands: (m: RedisTransaction) => void): Promise<void> {
    this.writes.record(id);
    this.flights.forget(id); // readers from now on must not join a query that may have read the old row
    let redisUpdated = true;
    try {
      await this.redisCache.transaction(keys, commands);
    } catch (e) {
      redisUpdated = false;
      await this.invalidations.writeMissed(keys, errorMessage(e));
    }
    this.events.emit('write', { redisUpdated });
  }

  // ---- bulk --------------------------------------------------------------------------------

  warm(request: WarmRequest = {}, onProgress?: (p: WarmProgress) => void): Promise<WarmResult> {
    return this.warmer.warm(request, onProgress);
  }

  /** Deletes every key under the prefix (SCAN + UNLINK). */
  async clear(): Promise<ClearResult> {
    const snapshot = this.invalidations.snapshot();
    const deleted = await this.redisCache.deleteMatching(this.keys.pattern());
    // Every key is gone, so the ones pending before the scan are invalidated too.
    await this.invalidations.invalidated(snapshot);
    return { deleted };
  }

  stats(): CacheStats {
    const { hits, misses, negativeHits, coalescedMisses, dbReads } = this.counters;
    const { redisErrors, breakerRejections } = this.redisCache.counters;
    const answered = hits + negativeHits + misses;
    return {
      hits,
      misses,
      negativeHits,
      redisErrors,
      breakerRejections,
      coalescedMisses,
      dbReads,
      pendingInvalidations: this.invalidations.size,
      hitRate: answered === 0 ? 0 : Math.round(((hits + negativeHits) / answered) * 10_000) / 10_000,
      breaker: { state: this.breaker.state, transitions: this.breaker.history() },
    };
  }
}
