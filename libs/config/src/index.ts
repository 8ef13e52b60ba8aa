export * from './config.schema';
export * from './load-config';
export * from './app-config.module';
export * from './redis-url';
export * from './config-secrets';
