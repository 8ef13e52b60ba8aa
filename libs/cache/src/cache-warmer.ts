import { Logger } from '@nestjs/common';
import { errorMessage, type UserDto, type WarmRequest, type WarmResult } from '@rrl/contracts';
import type { RedisConnectionService } from '@rrl/redis';
import type { DatabaseConnectionService } from '@rrl/database';
import type { UsersRepository } from '@rrl/users';
import type { CacheKeys } from './cache-keys';
import type { PendingInvalidationsService } from './pending-invalidations.service';
import type { CacheEntry, RedisCacheRepository } from './redis-cache.repository';
import type { WriteTracker } from './write-tracker';

export interface WarmProgress {
  warmed: number;
  batches: number;
  lastId: number;
}

export interface CacheWarmerDeps {
  users: UsersRepository;
  redisCache: RedisCacheRepository;
  invalidations: PendingInvalidationsService;
  /** The cache's own write tracker: users written while a batch was read are skipped. */
  writes: WriteTracker;
  keys: CacheKeys;
  batchSize: number;
}

/** How long boot warm-up waits for the database before giving up (it serves without a warm cache). */
const BOOT_DATABASE_WAIT_MS = 60_000;

/** Loads users into Redis in pipelined batches: on request, and at boot once both stores are up. */
export class CacheWarmer {
  private readonly logger = new Logger('UserCache');

  constructor(private readonly d: CacheWarmerDeps) {}

  /**
   * Loads users from the database in id batches and writes each batch with one pipeline; the
   * next batch is read from the database while the current one is written to Redis.
   */
  async warm(request: WarmRequest = {}, onProgress?: (p: WarmProgress) => void): Promise<WarmResult> {
    const { users, redisCache, invalidations, writes, keys } = this.d;
    const started = performance.now();
    const batchesOf = users.iterateBatches({
      fromId: request.fromId,
      toId: request.toId,
      batchSize: request.batchSize ?? this.d.batchSize,
    });
    const fetchNext = () => {
      const mark = writes.mark();
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
        const fresh = next.value.filter((u) => !writes.writtenSince(u.id, mark) && !invalidations.has(keys.user(u.id)));
        await redisCache.setMany(fresh.flatMap((u) => this.entries(u)));
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

  /** redis.caching.warmOnBoot: waits for the database and Redis, warms everything, logs the outcome; never rejects. */
  async warmAtBoot(database: DatabaseConnectionService, redis: RedisConnectionService): Promise<void> {
    try {
      await database.whenConnected(BOOT_DATABASE_WAIT_MS);
      // Not events.once(): it listens for 'error' too, and the connection emits errors only to listeners.
      if (!redis.isReady()) await new Promise<void>((resolve) => redis.events.once('ready', resolve));
      const result = await this.warm();
      this.logger.log(`Warmed ${result.warmed} users in ${result.durationMs} ms (${result.batches} batches)`);
    } catch (e) {
      this.logger.warn(`Cache warm at boot skipped: ${errorMessage(e)}`);
    }
  }

  private entries(u: UserDto): CacheEntry[] {
    const { keys } = this.d;
    return [
      [keys.user(u.id), JSON.stringify(u), keys.ttlSeconds()],
      [keys.email(u.email), String(u.id), keys.ttlSeconds()],
    ];
  }
}
