/**
 * The Nest side of the chaos lib (module, service, tokens, token check), apart from the index so
 * that plain importers of @rrl/chaos (test helpers, scripts run through esbuild-register, which has
 * no decorator support) load no decorators.
 */
export * from './chaos-access';
export * from './chaos.tokens';
export * from './chaos.service';
export * from './chaos.module';
export * from './token-attempt.limiter';
