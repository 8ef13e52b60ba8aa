export * from './experiment.schema';
export * from './experiment-parser';
export * from './experiment.runner';
export * from './experiment-report';
export * from './probe.evaluator';
export * from './lab-http.client';
