export * from './redis-admin';
export * from './process';
export * from './drivers';
export * from './proxy';
export * from './scenarios';
export * from './sentinel';
