import { AppError, ERROR_CODES, type ApiErrorBody } from '@rrl/contracts';
import { z } from 'zod';
import type { ScenarioLimits } from './scenario';

export const targetParam = z.string().trim().min(1, 'must be a target id listed by GET /api/chaos/targets');

/** A whole number of milliseconds, at most the configured maximum. */
export const millis = (limits: ScenarioLimits, min: number, fallback: number) =>
  z.number().int().min(min).max(limits.maxDurationMs).default(Math.min(fallback, limits.maxDurationMs));

/** Parses a request body with a scenario's schema; a bad or unknown parameter is a 400 naming it. */
export function parseParams<P>(scenario: string, schema: z.ZodType<P>, body: unknown): P {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const details: NonNullable<ApiErrorBody['details']> = [];
  for (const issue of result.error.issues) {
    const fields = issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.') || '(body)'];
    const problem = issue.code === 'unrecognized_keys' ? 'is not a parameter of this scenario' : issue.message;
    for (const field of fields) {
      const entry = details.find((d) => d.field === field) ?? details[details.push({ field, problems: [] }) - 1];
      entry.problems.push(problem);
    }
  }
  const summary = details.map((d) => `${d.field} ${d.problems.join(', ')}`).join('; ');
  return invalid(`invalid parameters for scenario '${scenario}': ${summary}`, details);
}

function invalid(message: string, details: ApiErrorBody['details']): never {
  throw new AppError(ERROR_CODES.VALIDATION_FAILED, message, details);
}
