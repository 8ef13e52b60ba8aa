/** Stable error codes returned in every error body; clients switch on these, not on messages. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The request's Content-Type has no parser (the API reads application/json). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  STORES_UNAVAILABLE: 'STORES_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  CHAOS_DISABLED: 'CHAOS_DISABLED',
  /** Too many wrong operator tokens from one client: it waits (Retry-After) before guessing again. */
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  /** One run at a time (a chaos run, a loop test): the body's runId names the one in progress. */
  RUN_IN_PROGRESS: 'RUN_IN_PROGRESS',
  TARGET_NOT_FOUND: 'TARGET_NOT_FOUND',
  TARGET_NOT_CHAOS_ENABLED: 'TARGET_NOT_CHAOS_ENABLED',
  /** The chaos driver's backend (the Docker engine) cannot be reached. */
  CHAOS_DRIVER_UNAVAILABLE: 'CHAOS_DRIVER_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The one table from error code to HTTP status: errors are constructed by code, never with a status by hand. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORES_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  REDIS_UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  CHAOS_DISABLED: 403,
  TOO_MANY_ATTEMPTS: 429,
  RUN_IN_PROGRESS: 409,
  TARGET_NOT_FOUND: 404,
  TARGET_NOT_CHAOS_ENABLED: 403,
  CHAOS_DRIVER_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The message of anything thrown: an error's (or error-like object's) message, otherwise its string form. */
export function errorMessage(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

export interface ApiErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  /** For validation errors: one entry per bad field. */
  details?: { field: string; problems: string[] }[];
}

/**
 * A failure the API reports to its client. Libraries throw these (or subclasses); one
 * exception filter in apps/api turns them into { statusCode, code, message, details }.
 */
export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ERROR_STATUS[code];
  }

  toBody(): ApiErrorBody {
    return { statusCode: this.statusCode, code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
