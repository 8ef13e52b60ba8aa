export { RedisServerProcess, freePort } from '@rrl/chaos';
export * from './mariadb.process';
export * from './redis-connection';
export * from './databases';
export * from './wait-for';
export * from './docker';
export * from './docker-redis-probe';
export * from './redis-sentinel.topology';
export * from './leftovers';
