export * from './redis';
export * from './users';
export * from './cache';
export * from './errors';
export * from './chaos';
export * from './metrics';
export * from './loadtest';
export * from './live';
