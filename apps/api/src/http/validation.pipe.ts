import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ERROR_CODES } from '@rrl/contracts';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** class-validator with unknown fields rejected; the 400 body names every bad field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new AppError(
        ERROR_CODES.VALIDATION_FAILED,
        `Invalid request: ${details.map((d) => `${d.field} (${d.problems.join(', ')})`).join('; ')}`,
        details,
      );
    },
  });
}
