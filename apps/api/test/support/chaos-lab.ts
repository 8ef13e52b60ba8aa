import type { ChaosRun } from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor } from '@rrl/testing';
import { auth, CHAOS_TOKEN, redisReady, startLab, type Lab, type LabOptions, type RedisLab } from './lab';
import { createUsers, readers } from './readers';

export { auth, CHAOS_TOKEN };

export const startScenario = (lab: Lab, name: string, body: unknown) =>
  lab.send<ChaosRun>('POST', `/api/chaos/scenarios/${name}`, body, auth);

/** Polls the run until it has ended. */
export async function untilEnded(lab: Lab, id: string, timeoutMs = 40_000): Promise<ChaosRun> {
  return waitFor(
    `run ${id} ended`,
    async () => {
      const { body } = await lab.send<ChaosRun>('GET', `/api/chaos/runs/${id}`, undefined, auth);
      return body.status === 'running' ? null : body;
    },
    timeoutMs,
    100,
  );
}

/** Reads before a run starts and after it ends, so both sides of the fault are measured. */
const READS_AROUND_RUN = 20;

/** Starts a scenario while readers run, waits for its end, returns the run and every read. */
export async function runUnderLoad(lab: Lab, ids: number[], name: string, body: unknown) {
  const load = readers(lab, ids);
  await waitFor('readers under way', () => load.completed() >= READS_AROUND_RUN);
  const started = await startScenario(lab, name, body);
  if (started.status !== 202) {
    await load.stop();
    throw new Error(`start ${name}: ${started.status} ${JSON.stringify(started.body)}`);
  }
  const run = await untilEnded(lab, started.body.id);
  // A few more reads after the end: the target must serve again.
  const atEnd = load.completed();
  await waitFor('reads after the run', () => load.completed() >= atEnd + READS_AROUND_RUN);
  const outcomes = await load.stop();
  return { run, outcomes };
}

export const eventsOf = (run: ChaosRun, type: string) => run.timeline.filter((e) => e.type === type);

/** How long the run took, start to end, by its own timestamps. */
export const runSpanMs = (run: ChaosRun) => Date.parse(run.endedAt ?? '') - Date.parse(run.startedAt);

/**
 * A figure of the report (time to detect, to recover, to promotion) was measured and lies inside
 * the run's own span: it was taken from the run's events, not from another clock. How long it is
 * on a quiet machine is the fault matrix bench's to say (bench/fault-matrix.ts, docs/fault-matrix.md);
 * an upper bound in wall-clock time here would only measure how busy the machine is.
 */
export function expectWithinRun(run: ChaosRun, figures: Record<string, number | null | undefined>): void {
  const span = runSpanMs(run);
  for (const [name, ms] of Object.entries(figures)) {
    expect({ [name]: ms }).toEqual({ [name]: expect.any(Number) });
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThanOrEqual(span);
  }
}

export interface RedisChaosLab extends RedisLab {
  /** The redis-server's chaos target id. */
  target: string;
  /** Users created and cached. */
  ids: number[];
}

/**
 * A lab over its own redis-server (registered as a chaos target) and a fresh database, with
 * `users` users created and warmed into Redis, and the chaos token configured.
 */
export async function startRedisChaosLab(opts: {
  users: number;
  tag: string;
  password?: string;
  overrides?: LabOptions['overrides'];
  /** More local processes offered to the chaos process driver. */
  extraTargets?: LabOptions['targets'];
  live?: LabOptions['live'];
}): Promise<RedisChaosLab> {
  const redis = await RedisServerProcess.start({ password: opts.password });
  const db = await createTestDatabase();
  const { chaos, ...rest } = (opts.overrides ?? {}) as { chaos?: object };
  const lab = await startLab({
    redis: { port: redis.port, password: opts.password },
    mysql: db,
    targets: [{ process: redis, kind: 'redis' }, ...(opts.extraTargets ?? [])],
    overrides: { ...rest, chaos: { token: CHAOS_TOKEN, ...chaos } },
    live: opts.live,
  });
  await redisReady(lab);
  const ids = await createUsers(lab, opts.users, opts.tag);
  await lab.send('POST', '/api/cache/warm', {});
  return {
    redis,
    db,
    lab,
    ids,
    target: `process:${redis.options.name}`,
    async close() {
      await lab.close();
      await redis.stop();
      await db.drop();
    },
  };
}
