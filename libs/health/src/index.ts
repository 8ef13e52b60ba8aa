export * from './health.module';
export * from './redis.health';
export * from './database.health';
