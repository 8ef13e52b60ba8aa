import { z } from 'zod';
import { KEY_DISTRIBUTIONS, SCENARIO_NAMES } from '@rrl/contracts';

/** Milliseconds a step may name: up to an hour, the same ceiling for every duration in a file. */
const millis = z.number().int().min(0).max(3_600_000);
/** Default: the first target of the right kind that GET /api/chaos/targets lists (the embedded redis-server). */
const target = z.string().min(1).optional();

/** The body of POST /api/loadtests (libs/contracts LoadTestRequest), bounds as the API checks them. */
export const loadSchema = z.strictObject({
  iterations: z.number().int().min(1).max(100_000_000),
  concurrency: z.number().int().min(1).max(1000),
  readRatio: z.number().min(0).max(1),
  keys: z.strictObject({ distribution: z.enum(KEY_DISTRIBUTIONS), count: z.number().int().min(1).max(100_000_000) }),
  warmup: z.number().int().min(0).optional(),
  seed: z.boolean().optional(),
});

export const PHASES = ['before', 'during', 'after'] as const;
export type Phase = (typeof PHASES)[number];

const tolerance = z
  .strictObject({ max: z.number().optional(), min: z.number().optional() })
  .refine((t) => t.max !== undefined || t.min !== undefined, 'needs max or min');

const probeBase = {
  name: z.string().min(1),
  tolerance,
  phases: z.array(z.enum(PHASES)).min(1).default(['before', 'during', 'after']),
};

/** What a probe measures, over the phase so far (counters are deltas of GET /api/metrics/snapshot since the phase began). */
export const probeSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...probeBase, kind: z.literal('failed-reads') }),
    z.strictObject({ ...probeBase, kind: z.literal('redis-read-share') }),
    /** The snapshot's read latency p99 (ms, last 60 s, slowest source). */
    z.strictObject({ ...probeBase, kind: z.literal('p99-read-latency') }),
    z.strictObject({ ...probeBase, kind: z.literal('http-status'), path: z.string().startsWith('/') }),
  ],
  { error: 'kind must be failed-reads, redis-read-share, p99-read-latency or http-status' },
);
export type Probe = z.infer<typeof probeSchema>;
export type ProbeKind = Probe['kind'];

// One branch per scenario of libs/contracts SCENARIO_NAMES, with its params type's fields.
const downtime = z.strictObject({ target, downtimeMs: millis.optional() });
const duration = z.strictObject({ target, durationMs: millis.optional() });
const failover = z.strictObject({ target, downtimeMs: millis.optional(), promotionTimeoutMs: millis.optional() });
const scenario = <N extends string, P extends z.ZodType>(name: N, params: P) =>
  z.strictObject({ type: z.literal('scenario'), scenario: z.literal(name), params: params.default({} as never) });

export const scenarioStepSchema = z.discriminatedUnion(
  'scenario',
  [
    scenario('crash', downtime),
    scenario('stop-start', downtime),
    scenario('restart', downtime),
    scenario('pause', duration),
    scenario('auth-failure', duration),
    scenario('partition', duration),
    scenario(
      'latency',
      z.strictObject({ target, durationMs: millis.optional(), latencyMs: millis.optional(), jitterMs: millis.optional() }),
    ),
    scenario('mysql-outage', duration),
    scenario('both-down', z.strictObject({ target, mysqlTarget: target, durationMs: millis.optional() })),
    scenario('failover', failover),
    scenario('failover-pause', z.strictObject({ target, durationMs: millis.optional(), promotionTimeoutMs: millis.optional() })),
    scenario('manual-failover', z.strictObject({ durationMs: millis.optional(), promotionTimeoutMs: millis.optional() })),
  ],
  { error: `scenario must be one of ${SCENARIO_NAMES.join(', ')}` },
);
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;

export const stepSchema = z.discriminatedUnion(
  'type',
  [
    scenarioStepSchema,
    z.strictObject({ type: z.literal('pause'), durationMs: millis }),
    /** An HTTP call to the lab (with the operator token), e.g. a rollback that resets the Redis connection. */
    z.strictObject({
      type: z.literal('request'),
      method: z.enum(['GET', 'POST']).default('POST'),
      path: z.string().startsWith('/'),
      expectStatus: z.number().int().min(100).max(599).optional(),
    }),
  ],
  { error: 'type must be scenario, pause or request' },
);
export type Step = z.infer<typeof stepSchema>;

/** Five cron fields (minute hour day month weekday): numbers, *, ranges, lists and steps; validated, not run. */
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

export const experimentSchema = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().min(1),
  description: z.string().default(''),
  load: loadSchema.extend({
    /** Wait for the loop test to finish before the after phase ends (a loop test that must live through the method). */
    awaitCompletion: z.boolean().default(false),
  }),
  steadyStateHypothesis: z.strictObject({
    /** Length of the before and after windows, ms. */
    windowMs: z.number().int().min(1000).max(600_000).default(3000),
    probes: z.array(probeSchema).min(1),
  }),
  method: z.array(stepSchema).min(1),
  rollbacks: z.array(stepSchema).default([]),
  /** Probes whose breach stops the run at once (checked every second while the run lasts). */
  abort: z.array(probeSchema).default([]),
  schedule: z
    .string()
    .refine((s) => {
      const fields = s.trim().split(/\s+/);
      return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
    }, 'must be a cron expression of five fields (minute hour day month weekday)')
    .optional(),
});
export type Experiment = z.infer<typeof experimentSchema>;
/** What a file may leave out (defaults filled in by the parser). */
export type ExperimentInput = z.input<typeof experimentSchema>;

/** The published JSON Schema (experiments/experiment.schema.json): what editors validate a file against. */
export function experimentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(experimentSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'Redis Resilience Lab experiment',
  };
}
