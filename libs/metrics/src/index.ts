export * from './latency-histogram';
export * from './outage-tracker';
export * from './sliding-window';
export * from './metrics-recorder';
export * from './prometheus-exporter';
export * from './per-second-history';
