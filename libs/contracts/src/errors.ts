/** Stable error codes returned in every error body; clients switch on these, not on messages. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  STORES_UNAVAILABLE: 'STORES_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  CHAOS_DISABLED: 'CHAOS_DISABLED',
  SCENARIO_RUNNING: 'SCENARIO_RUNNING',
  TARGET_NOT_FOUND: 'TARGET_NOT_FOUND',
  TARGET_NOT_CHAOS_ENABLED: 'TARGET_NOT_CHAOS_ENABLED',
  /** The chaos driver's backend (the Docker engine) cannot be reached. */
  CHAOS_DRIVER_UNAVAILABLE: 'CHAOS_DRIVER_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

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
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ApiErrorBody {
    return { statusCode: this.statusCode, code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
