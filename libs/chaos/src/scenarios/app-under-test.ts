import type { BreakerTransition, ReadOutcome, RedisConnectionState, RedisStateTransition, WriteOutcome } from '@rrl/contracts';
import type { SentinelDescription } from '../sentinel/sentinel-description';

/** ioredis scheduled reconnect attempt `attempt` in `delayMs`. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  errorKind: string;
}

/** What a run listens to while it lasts (the run's recorder implements it). */
export interface AppObserver {
  onRead(outcome: ReadOutcome): void;
  onWrite(outcome: WriteOutcome): void;
  onBreaker(transition: BreakerTransition): void;
  onTransition(transition: RedisStateTransition): void;
  onRetry(retry: RetryEvent): void;
}

/** The app's Redis credentials, for scenarios that reconfigure the server the app talks to. */
export interface RedisCredentials {
  username: string | null;
  password: string | null;
}

/**
 * The application chaos breaks and watches. libs/chaos declares what it needs; the app
 * (apps/api) implements it from its own services, so this lib knows nothing of the cache, the
 * Redis connection or the database beyond these calls.
 */
export interface AppUnderTest {
  /** The Redis connection's state now. */
  redisState(): RedisConnectionState;
  /** The data node ("host:port") the Redis connection last reached; null before the first. */
  redisNode(): string | null;
  /** Reports reads, writes, breaker changes, connection transitions and reconnect attempts until the returned function is called. */
  observe(observer: AppObserver): () => void;
  /** One read through the app's own read path: the run's probe traffic. */
  read(id: number): Promise<unknown>;
  /** Ids of existing users, at most `limit` (may reject when the database is down). */
  userIds(limit: number): Promise<number[]>;
  /** Failed Redis calls so far (errors and breaker rejections), a counter. */
  redisFailures(): number;
  /** One quick database round trip: true when it answered. */
  databaseAnswers(): Promise<boolean>;
  readonly credentials: RedisCredentials;
  /** How the app finds its master when it reaches Redis through Sentinel; null for a single node. */
  readonly sentinel: SentinelDescription | null;
}
