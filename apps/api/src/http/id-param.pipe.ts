import { ParseIntPipe } from '@nestjs/common';
import { AppError, ERROR_CODES } from '@rrl/contracts';

const invalidId = () =>
  new AppError(ERROR_CODES.VALIDATION_FAILED, 'id must be a positive integer', [{ field: 'id', problems: ['must be a positive integer'] }]);

/** :id must be a positive integer; the 400 names the parameter. */
export const idParamPipe = new ParseIntPipe({ exceptionFactory: invalidId });

/**
 * The same check for the hot GET /api/users/:id, without Nest's pipe chain (global ValidationPipe
 * then idParamPipe: three promise layers per request). Accepts exactly what that chain accepts:
 * ValidationPipe turns a Number param into `+raw`, ParseIntPipe wants an integer's digits.
 */
export function parseIdParam(raw: string): number {
  const id = +raw;
  // An integer whose String() is plain digits, i.e. below 1e21 (the same test without a string and a regex per request).
  if (!Number.isInteger(id) || Math.abs(id) >= 1e21) throw invalidId();
  return id;
}
