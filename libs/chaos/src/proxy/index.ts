export * from './fault-proxy';
