import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { AppError, errorMessage, ERROR_CODES, type BreakerTransition } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { BrokenCircuitError } from 'cockatiel';
import type Redis from 'ioredis';
import { leaseKeyOf } from './cache-keys';
import { RedisCircuitBreaker } from './redis-circuit-breaker';

/** What one GET told the read path: the value, "no such key", or "Redis could not answer". */
export type RedisRead = { kind: 'hit'; raw: string } | { kind: 'miss' } | { kind: 'unavailable' };
export const REDIS_UNAVAILABLE: RedisRead = { kind: 'unavailable' };
const MISS: RedisRead = { kind: 'miss' };
const UNAVAILABLE_NOW = Promise.resolve(REDIS_UNAVAILABLE);
const toRead = (raw: string | null): RedisRead => (raw === null ? MISS : { kind: 'hit', raw });

export type RedisTransaction = ReturnType<Redis['multi']>;
/** One SET of a warm batch: key, value, TTL in seconds. */
export type CacheEntry = readonly [key: string, raw: string, ttlSeconds: number];

/** Keys deleted per DEL/UNLINK: large enough to be few round trips, small enough not to block Redis. */
const DELETE_CHUNK = 500;
/** SCAN COUNT hint for deleteMatching(). */
const SCAN_COUNT = 1000;
/**
 * Fills the key only while the caller's lease stands (nobody wrote or invalidated the key since the
 * lease was taken, and Redis did not lose it), NX so it never replaces a value a write put there.
 * Sent with EVAL, not a defined command: the connection may replace its client (a forced reset),
 * and Redis keeps the compiled script by its SHA, so the cost is the script's bytes on a miss.
 */
const FILL_IF_LEASED = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
if redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3], 'NX') then return 1 end
return 0`;

/**
 * Every Redis call of the user cache, and nothing else: the circuit breaker in front of them, one
 * error count, MULTI for writes, pipelines for warming, SCAN + UNLINK for clearing. Commands run on
 * the connection's client current at call time (a forced reset replaces it), so each is limited by
 * the client's commandTimeout. Knows keys and strings, not users.
 */
@Injectable()
export class RedisCacheRepository implements OnModuleDestroy {
  readonly breaker: RedisCircuitBreaker;
  /** Redis calls that failed; reads that skipped Redis because the breaker rejected them. */
  readonly counters = { redisErrors: 0, breakerRejections: 0 };
  /** Redis is back: stop bypassing it at once instead of waiting for the next half-open probe. */
  private readonly onReady = () => this.breaker.closeOnRecovery('Redis connection ready again');
  /**
   * Open while the connection stays ready (added latency, errors): the connection probes on fresh
   * sockets and reconnects once Redis answers fast, so the breaker closes on that ready (evidence)
   * rather than on its half-open timer.
   */
  private readonly onBreaker = ({ to }: BreakerTransition) => {
    if (to === 'open') this.redis.reportDegraded();
    else if (to === 'closed') this.redis.degradedCleared();
  };
  private readonly readFailed = (e: unknown): RedisRead => {
    this.countFailure(e, true);
    return REDIS_UNAVAILABLE;
  };

  /**
   * Test-only switch, like PendingInvalidationsService.bookkeeping: "off" fills with a plain SET NX
   * and takes no lease, so a test can show the stale read the lease prevents. Always "on" in the app.
   */
  fillLeases: 'on' | 'off' = 'on';
  /** Lease tokens: this instance's random prefix and a counter, unique across instances and restarts. */
  private readonly leasePrefix = randomBytes(6).toString('hex');
  private leases = 0;
  /** A lease outlives the longest database read it guards (the query timeout), with room for the fill. */
  private readonly leaseMs: number;

  constructor(
    private readonly redis: RedisConnectionService,
    @InjectAppConfig() config: AppConfig,
  ) {
    this.breaker = new RedisCircuitBreaker(config.redis.resilience.breaker);
    this.leaseMs = 2 * config.mysql.queryTimeout;
    this.redis.events.on('ready', this.onReady);
    this.breaker.events.on('transition', this.onBreaker);
  }

  onModuleDestroy(): void {
    this.redis.events.off('ready', this.onReady);
    this.breaker.events.off('transition', this.onBreaker);
  }

  isReady(): boolean {
    return this.redis.isReady();
  }

  /**
   * The hot path (see bench/run.ts): never rejects, and costs one promise on top of the client's.
   * A breaker that rejects answers without touching Redis.
   */
  get(key: string): Promise<RedisRead> {
    if (this.breaker.isRejecting()) {
      this.counters.breakerRejections++;
      return UNAVAILABLE_NOW;
    }
    return this.breaker.settle(() => this.redis.client.get(key), toRead, this.readFailed);
  }

  /**
   * Takes the fill lease of `key`, before a database read that may fill it: resolves to the lease's
   * token once Redis holds it, or null when Redis cannot answer (then nothing is filled). Never rejects.
   */
  async takeLease(key: string): Promise<string | null> {
    if (this.breaker.isRejecting()) return null;
    const token = `${this.leasePrefix}:${++this.leases}`;
    if (this.fillLeases === 'off') return token;
    try {
      await this.call((c) => c.set(leaseKeyOf(key), token, 'PX', this.leaseMs));
      return token;
    } catch {
      return null;
    }
  }

  /** Read-populate under a lease (takeLease): NX, and only while the lease stands; not awaited, a failure only costs a later miss. */
  fillLeased(key: string, lease: string, raw: string, ttlSeconds: number): void {
    if (this.breaker.isRejecting()) return;
    if (this.fillLeases === 'off') return void this.call((c) => c.set(key, raw, 'EX', ttlSeconds, 'NX')).catch(() => undefined);
    this.call((c) => c.eval(FILL_IF_LEASED, 2, key, leaseKeyOf(key), lease, raw, ttlSeconds)).catch(() => undefined);
  }

  /** SET with a TTL, not awaited: for values no write races (the email → id mapping, checked on every use). */
  fillUnguarded(key: string, raw: string, ttlSeconds: number): void {
    if (this.breaker.isRejecting()) return;
    this.call((c) => c.set(key, raw, 'EX', ttlSeconds)).catch(() => undefined);
  }

  /** Runs the commands in one MULTI, deleting the fill leases of `keys` in it; rejects (BrokenCircuitError while the breaker is open) unless Redis applied them all. */
  async transaction(keys: readonly string[], commands: (multi: RedisTransaction) => void): Promise<void> {
    if (this.breaker.isRejecting()) throw new BrokenCircuitError('circuit open');
    await this.call(async (c) => {
      const multi = c.multi();
      commands(multi);
      // A read that took a lease before this write may hold the old row: its fill must fail.
      multi.del(...keys.map(leaseKeyOf));
      const results = await multi.exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('MULTI aborted');
    });
  }

  /** SETs a batch in one pipeline; rejects with REDIS_UNAVAILABLE. */
  setMany(entries: readonly CacheEntry[]): Promise<void> {
    return this.orUnavailable(async (c) => {
      const pipeline = c.pipeline();
      for (const [key, raw, ttl] of entries) pipeline.set(key, raw, 'EX', ttl);
      const failed = (await pipeline.exec())?.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    });
  }

  /** Deletes every key matching a SCAN pattern with SCAN + UNLINK (never KEYS, which blocks Redis); rejects with REDIS_UNAVAILABLE. */
  async deleteMatching(pattern: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [nextCursor, keys] = await this.orUnavailable((c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
      cursor = nextCursor;
      if (keys.length > 0) deleted += await this.orUnavailable((c) => c.unlink(...keys));
    } while (cursor !== '0');
    return deleted;
  }

  /**
   * DEL of keys that may be stale. Straight to the client, not through the breaker: it is the
   * recovery path, and a failure only leaves the keys pending for the next try.
   */
  async invalidate(keys: readonly string[]): Promise<void> {
    // Their leases too: a read that began before the write it invalidates must not fill the old value back.
    for (let i = 0; i < keys.length; i += DELETE_CHUNK)
      await this.redis.client.del(...keys.slice(i, i + DELETE_CHUNK).flatMap((k) => [k, leaseKeyOf(k)]));
  }

  /** The one way every call but get() reaches Redis: through the breaker, failures counted. */
  private async call<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => command(this.redis.client));
    } catch (e) {
      this.countFailure(e, false);
      throw e;
    }
  }

  private async orUnavailable<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await this.call(command);
    } catch (e) {
      const reason = e instanceof BrokenCircuitError ? 'the circuit breaker is open' : errorMessage(e);
      throw new AppError(ERROR_CODES.REDIS_UNAVAILABLE, `Redis unavailable: ${reason}`);
    }
  }

  /** A breaker rejection is not a Redis error; it is counted only for reads (the stats say "reads that skipped Redis"). */
  private countFailure(e: unknown, read: boolean): void {
    if (!(e instanceof BrokenCircuitError)) this.counters.redisErrors++;
    else if (read) this.counters.breakerRejections++;
  }
}
