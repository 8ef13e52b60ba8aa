export * from './chaos-driver';
export * from './docker-client';
export * from './docker-chaos.driver';
