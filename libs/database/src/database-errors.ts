import { withTimeout } from '@rrl/common';
import { AppError, ERROR_CODES } from '@rrl/contracts';

/** Driver error codes that mean "the database cannot answer now", not "the request is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'POOL_CLOSED',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_NO_SUCH_TABLE',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);
const UNAVAILABLE_MESSAGES = /closed state|pool is closed|connection lost|not connected|CannotExecuteNotConnected/i;
const DUPLICATE_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  driverError?: DriverError;
}

function codeOf(error: unknown): string | undefined {
  const e = error as DriverError;
  return e?.driverError?.code ?? e?.code;
}

export function isDuplicateKey(error: unknown): boolean {
  return DUPLICATE_CODES.has(codeOf(error) ?? '');
}

export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const e = error as DriverError;
  return UNAVAILABLE_MESSAGES.test(`${e?.message ?? ''} ${(e as Error)?.name ?? ''}`);
}

export function databaseUnavailable(reason: string): AppError {
  return new AppError(ERROR_CODES.DATABASE_UNAVAILABLE, `Database unavailable: ${reason}`);
}

/**
 * Turns a driver failure into the AppError a client should see. Errors that are neither a
 * duplicate key nor an outage (a bug) are returned unchanged so they surface as 500.
 */
export function toDatabaseError(error: unknown, duplicateEmail: () => AppError): unknown {
  if (error instanceof AppError) return error;
  if (isDuplicateKey(error)) return duplicateEmail();
  if (isUnavailable(error)) {
    const e = error as DriverError;
    const code = codeOf(error);
    return databaseUnavailable(`${code ? `${code}: ` : ''}${e?.driverError?.message ?? e?.message ?? String(error)}`);
  }
  return error;
}

export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`query did not finish within ${timeoutMs} ms`);
    this.name = 'QueryTimeoutError';
  }
}

/** Rejects with a QueryTimeoutError after timeoutMs; the losing promise is left to settle (mysql2 cancels it on its own timer). */
export function withQueryTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return withTimeout(work, timeoutMs, 'query', () => new QueryTimeoutError(timeoutMs));
}
