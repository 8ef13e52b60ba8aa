export * from './backoff';
export * from './redis-errors';
export * from './redis-client.factory';
export * from './redis-state-machine';
export * from './redis-heartbeat';
export * from './stuck-retry.detector';
export * from './redis-connection.service';
export * from './redis.module';
