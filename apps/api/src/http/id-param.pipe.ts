import { ParseIntPipe } from '@nestjs/common';
import { AppError, ERROR_CODES } from '@rrl/contracts';

/** :id must be a positive integer; the 400 names the parameter. */
export const idParamPipe = new ParseIntPipe({
  exceptionFactory: () =>
    new AppError(ERROR_CODES.VALIDATION_FAILED, 400, 'id must be a positive integer', [{ field: 'id', problems: ['must be a positive integer'] }]),
});
