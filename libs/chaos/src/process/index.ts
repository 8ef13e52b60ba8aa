export * from './free-port';
export * from './managed-process';
export * from './redis-server.process';
export * from './process-owner';
