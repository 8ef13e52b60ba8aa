export * from './latency-histogram';
export * from './key-picker';
export * from './run-loop';
export * from './outage-tracker';
export * from './loadtest-stats';
export * from './loadtest-execution';
export * from './loadtest.service';
export * from './loadtest.module';
