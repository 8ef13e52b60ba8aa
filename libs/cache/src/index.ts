export { CacheModule } from './cache.module';
export { UserCacheService, type UserCacheEvents, type UserReadJson } from './user-cache.service';
export type { WarmProgress } from './cache-warmer';
export type { RedisCircuitBreaker } from './redis-circuit-breaker';
export { LOG_POLL_MS } from './invalidation-log.poller';
export { PendingInvalidationsService, type InvalidationBookkeeping } from './pending-invalidations.service';
