export { RedisServerProcess, MariaDbProcess, freePort } from '@rrl/chaos';
export * from './databases';
export * from './wait-for';
export * from './docker';
export * from './docker-redis-probe';
