export * from './process';
export * from './drivers';
