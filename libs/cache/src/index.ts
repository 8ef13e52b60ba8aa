export * from './redis-circuit-breaker';
export * from './cache-keys';
export * from './single-flight';
export * from './pending-invalidations';
export * from './write-tracker';
export * from './user-cache.service';
export * from './cache.module';
