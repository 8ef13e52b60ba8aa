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
  if (!/^-?\d+$/.test(String(id)) || !Number.isFinite(id)) throw invalidId();
  return id;
}
