export const BREAKER_STATES = ['closed', 'open', 'half-open', 'isolated'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export interface BreakerTransition {
  at: string;
  from: BreakerState;
  to: BreakerState;
  /** What caused it: e.g. "5 consecutive failures", "probe succeeded". */
  reason: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Reads answered from the negative cache (unknown id). */
  negativeHits: number;
  /** Redis calls that failed (timeout, connection, breaker rejected not included). */
  redisErrors: number;
  /** Reads that skipped Redis because the breaker was open. */
  breakerRejections: number;
  /** Misses that joined an in-flight database query instead of starting one. */
  coalescedMisses: number;
  /** Database queries issued for reads. */
  dbReads: number;
  /** Keys written or deleted while Redis was unreachable, awaiting invalidation. */
  pendingInvalidations: number;
  hitRate: number;
  breaker: { state: BreakerState; transitions: BreakerTransition[] };
}

export interface WarmRequest {
  fromId?: number;
  toId?: number;
  batchSize?: number;
}

export interface WarmResult {
  warmed: number;
  batches: number;
  durationMs: number;
}

export interface ClearResult {
  deleted: number;
}

/** Where a read ended up: "none" when no store could answer. */
export type ReadOutcomeSource = 'redis' | 'mysql' | 'none';

/** Emitted by the user cache after every read, for live metrics and chaos reports. */
export interface ReadOutcome {
  source: ReadOutcomeSource;
  durationMs: number;
  /** False when the read failed (5xx); a 404 for an unknown id is a successful read. */
  ok: boolean;
  /** Error code of a failed read, e.g. "STORES_UNAVAILABLE". */
  errorKind?: string;
  /**
   * What the cache did: "hit" (Redis held the user), "negative-hit" (Redis remembered the id as missing),
   * "miss" (Redis answered without it; the database filled it), "fallback" (Redis failed, timed out or the
   * breaker was open: the database answered instead).
   */
  cache?: ReadCacheOutcome;
}

/** Emitted by the user cache after every acknowledged write (the database has it), for chaos reports. */
export interface WriteOutcome {
  /** True when Redis took the write-through; false when it was unreachable and the keys were marked pending. */
  redisUpdated: boolean;
}

export const READ_CACHE_OUTCOMES = ['hit', 'negative-hit', 'miss', 'fallback'] as const;
export type ReadCacheOutcome = (typeof READ_CACHE_OUTCOMES)[number];
