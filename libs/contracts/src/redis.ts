/** States of the Redis connection state machine (libs/redis). */
export const REDIS_STATES = ['idle', 'connecting', 'ready', 'reconnecting', 'auth-failed', 'stopped'] as const;
export type RedisConnectionState = (typeof REDIS_STATES)[number];

/** Why a connection attempt or command failed, as the state machine classifies it. */
export const REDIS_ERROR_KINDS = [
  'refused', // ECONNREFUSED: nothing listens
  'reset', // ECONNRESET / EPIPE: the peer dropped the connection
  'timeout', // connect or command timeout
  'heartbeat-timeout', // PING got no answer in time: half-open connection
  'auth', // NOAUTH / WRONGPASS / NOPERM
  'dns', // ENOTFOUND / EAI_AGAIN
  'tls', // handshake or certificate failure
  'stuck-reset', // the stuck-retry detector discarded the client
  'closed', // the connection closed without an error
  'other',
] as const;
export type RedisErrorKind = (typeof REDIS_ERROR_KINDS)[number];

export interface RedisStateTransition {
  /** ISO-8601 time of the transition. */
  at: string;
  from: RedisConnectionState;
  to: RedisConnectionState;
  /** Reconnect attempt number within the current outage (0 when not reconnecting). */
  attempt: number;
  errorKind?: RedisErrorKind;
  /** Error message with any credential removed. */
  message?: string;
  /** Backoff before the reconnect attempt this transition scheduled, ms. */
  delayMs?: number;
}

export interface RedisConnectionStats {
  /** Reconnect attempts since boot. */
  attempts: number;
  /** Outages that ended with the connection ready again. */
  successfulReconnects: number;
  /** successfulReconnects / outages started, 1 when there was no outage. */
  reconnectSuccessRate: number;
  /** Milliseconds since the current outage began, null when ready. */
  currentOutageMs: number | null;
  /** Duration in ms of the last outage that ended, null before the first recovery. */
  lastRecoveryMs: number | null;
  /** ISO time the connection last became ready. */
  lastReadyAt: string | null;
  /** Times the stuck-retry detector (or POST /api/redis/reset) rebuilt the client. */
  forcedResets: number;
}

export interface RedisStatus {
  state: RedisConnectionState;
  /** Reconnect attempt within the current outage. */
  attempt: number;
  /** host:port or the URL without credentials. */
  endpoint: string;
  /** True when the stuck-retry detector considers the client stuck. */
  stuck: boolean;
  lastError: { kind: RedisErrorKind; message: string; at: string } | null;
  stats: RedisConnectionStats;
}

export interface RedisResetResult {
  reset: boolean;
  reason: string;
  status: RedisStatus;
}
