export * from './async';
export * from './capped-buffer';
export * from './deep-merge';
export * from './redact';
export * from './stats';
export * from './run-slot';
