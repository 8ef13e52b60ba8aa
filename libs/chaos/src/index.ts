export * from './process';
export * from './drivers';
export * from './proxy';
