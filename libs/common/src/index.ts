export * from './async';
