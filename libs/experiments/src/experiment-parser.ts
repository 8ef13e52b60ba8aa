import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { experimentSchema, type Experiment } from './experiment.schema';

/** A file that cannot run: every problem, each with its path in the file. */
export class ExperimentValidationError extends Error {
  readonly code = 'EXPERIMENT_INVALID';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid experiment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ExperimentValidationError';
  }
}

/** method[2].params.downtimeMs */
function pathOf(path: PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && typeof issue.minimum !== 'bigint' && issue.origin === 'number')
    return `must be ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}`;
  if (issue.code === 'too_big' && typeof issue.maximum !== 'bigint' && issue.origin === 'number')
    return `must be ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}`;
  return issue.message;
}

/** Parses YAML (JSON is YAML too) and validates it; throws ExperimentValidationError listing every problem. */
export function parseExperiment(text: string, source = 'experiment'): Experiment {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw new ExperimentValidationError(source, [e instanceof YAMLParseError ? e.message : String(e)]);
  }
  const result = experimentSchema.safeParse(raw);
  if (!result.success)
    throw new ExperimentValidationError(
      source,
      result.error.issues.map((i) => `${pathOf(i.path) || '(root)'}: ${messageOf(i)}`),
    );
  return result.data;
}
