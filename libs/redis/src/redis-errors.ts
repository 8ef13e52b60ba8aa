import type { RedisErrorKind } from '@rrl/contracts';

/** Raised by the heartbeat when a PING gets no answer in time: the connection is half-open. */
export class HeartbeatTimeoutError extends Error {
  readonly code = 'HEARTBEAT_TIMEOUT';

  constructor(readonly waitedMs: number) {
    super(`heartbeat PING got no answer within ${waitedMs} ms`);
    this.name = 'HeartbeatTimeoutError';
  }
}

const CODE_KINDS: Record<string, RedisErrorKind> = {
  HEARTBEAT_TIMEOUT: 'heartbeat-timeout',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  // Node's certificate verification codes (tls.connect).
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  CERT_HAS_EXPIRED: 'tls',
};

/** Redis reply prefixes and texts that mean the credentials are wrong or lack permission. */
const AUTH_PATTERNS = [
  /^NOAUTH\b/,
  /^WRONGPASS\b/,
  /^NOPERM\b/,
  /AUTH .*called without any password configured/i,
  /invalid password/i,
  /invalid username-password pair/i,
];
const TLS_PATTERNS = [/\bSSL\b/, /\bTLS\b/, /certificate/i, /wrong version number/i];

interface ErrorLike {
  message: string;
  code?: unknown;
}

/** Duck-typed: errors from Node core fail `instanceof Error` inside Jest's VM context. */
export function isErrorLike(err: unknown): err is ErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as ErrorLike).message === 'string';
}

/** Maps an ioredis/Node error to the state machine's error kind. Total: never throws. */
export function classifyRedisError(err: unknown): RedisErrorKind {
  if (!isErrorLike(err)) return 'other';
  const code = typeof err.code === 'string' ? err.code : '';
  if (code in CODE_KINDS) return CODE_KINDS[code];
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) return 'tls';
  const message = err.message ?? '';
  if (AUTH_PATTERNS.some((p) => p.test(message))) return 'auth';
  if (/timed out|timeout/i.test(message)) return 'timeout';
  if (TLS_PATTERNS.some((p) => p.test(message))) return 'tls';
  if (/connection is closed/i.test(message)) return 'closed';
  return 'other';
}
