import { Injectable } from '@nestjs/common';
import { UserCacheService } from '@rrl/cache';
import type { AppObserver, AppUnderTest, RedisCredentials, SentinelDescription } from '@rrl/chaos';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import type { RedisConnectionState } from '@rrl/contracts';
import { RedisConnectionService, resolveRedisTarget } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { UsersRepository } from '@rrl/users';

/** A database round trip for "the database answers again", kept short: it is polled. */
const DB_PING_TIMEOUT_MS = 500;

/** What chaos breaks and watches, built from the lab's own cache, Redis connection and database. */
@Injectable()
export class LabAppUnderTest implements AppUnderTest {
  readonly credentials: RedisCredentials;
  readonly sentinel: SentinelDescription | null;

  constructor(
    @InjectAppConfig() config: AppConfig,
    private readonly redis: RedisConnectionService,
    private readonly cache: UserCacheService,
    private readonly users: UsersRepository,
    private readonly database: DatabaseConnectionService,
  ) {
    const { username, password } = resolveRedisTarget(config);
    this.credentials = { username: username ?? null, password: password ?? null };
    const s = config.redis.sentinel;
    this.sentinel = s.nodes.length ? { masterName: s.masterName, nodes: s.nodes, username: s.username, password: s.password } : null;
  }

  redisState(): RedisConnectionState {
    return this.redis.state;
  }

  redisNode(): string | null {
    return this.redis.status().node;
  }

  observe(observer: AppObserver): () => void {
    const onRead = observer.onRead.bind(observer);
    const onWrite = observer.onWrite.bind(observer);
    const onBreaker = observer.onBreaker.bind(observer);
    const onTransition = observer.onTransition.bind(observer);
    const onRetry = observer.onRetry.bind(observer);
    this.cache.events.on('read', onRead);
    this.cache.events.on('write', onWrite);
    this.cache.events.on('breaker', onBreaker);
    this.redis.events.on('transition', onTransition);
    this.redis.events.on('retry', onRetry);
    return () => {
      this.cache.events.off('read', onRead);
      this.cache.events.off('write', onWrite);
      this.cache.events.off('breaker', onBreaker);
      this.redis.events.off('transition', onTransition);
      this.redis.events.off('retry', onRetry);
    };
  }

  read(id: number): Promise<unknown> {
    return this.cache.get(id);
  }

  async userIds(limit: number): Promise<number[]> {
    return (await this.users.findRange(1, Number.MAX_SAFE_INTEGER, limit)).map((u) => u.id);
  }

  redisFailures(): number {
    const stats = this.cache.stats();
    return stats.redisErrors + stats.breakerRejections;
  }

  async databaseAnswers(): Promise<boolean> {
    return (await this.database.ping(DB_PING_TIMEOUT_MS)).up;
  }
}
