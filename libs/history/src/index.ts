export * from './stored-run.entity';
export * from './run-history.store';
export * from './loadtest-run.store';
export * from './chaos-run.store';
export * from './history.module';
export * from './chaos-run-archive';
export * from './history.schema';
export * from './migrations';
