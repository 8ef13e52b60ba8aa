export * from './chaos-driver';
export * from './docker-client';
export * from './docker-chaos.driver';
export * from './process-chaos.driver';
