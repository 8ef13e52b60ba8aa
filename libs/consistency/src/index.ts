export * from './check-history';
export * from './consistency-checker';
export * from './history.types';
export * from './nines';
