import type { ChaosRun, UserDto, UserReadResult } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import { hammer, type Lab } from './support/lab';

export const CHAOS_TOKEN = 'test-chaos-token-0123456789';
export const auth = { authorization: `Bearer ${CHAOS_TOKEN}` };

export interface ReadOutcome {
  status: number;
  source?: string;
  code?: string;
  ms: number;
}

export async function read(lab: Lab, id: number): Promise<ReadOutcome> {
  const t0 = performance.now();
  const r = await lab.get<UserReadResult & { code?: string }>(`/api/users/${id}`);
  return { status: r.status, source: r.body?.source, code: r.body?.code, ms: performance.now() - t0 };
}

/** Concurrent readers over `ids` until stopped; returns every outcome. */
export function readers(lab: Lab, ids: number[], concurrency = 6) {
  let stop = false;
  let i = 0;
  const done = hammer(concurrency, () => read(lab, ids[i++ % ids.length]), () => stop);
  return { stop: async () => ((stop = true), done) };
}

export async function createUsers(lab: Lab, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await lab.send<UserDto>('POST', '/api/users', { name: `${tag} ${i}`, email: `${tag}${i}@example.test` })).body.id);
  return ids;
}

export const startScenario = (lab: Lab, name: string, body: unknown) => lab.send<ChaosRun>('POST', `/api/chaos/scenarios/${name}`, body, auth);

/** Polls the run until it has ended. */
export async function untilEnded(lab: Lab, id: string, timeoutMs = 40_000): Promise<ChaosRun> {
  return waitFor(`run ${id} ended`, async () => {
    const { body } = await lab.send<ChaosRun>('GET', `/api/chaos/runs/${id}`, undefined, auth);
    return body.status === 'running' ? null : body;
  }, timeoutMs, 100);
}

/** Starts a scenario while readers run, waits for its end, returns the run and every read. */
export async function runUnderLoad(lab: Lab, ids: number[], name: string, body: unknown) {
  const load = readers(lab, ids);
  await new Promise((r) => setTimeout(r, 200));
  const started = await startScenario(lab, name, body);
  if (started.status !== 202) {
    await load.stop();
    throw new Error(`start ${name}: ${started.status} ${JSON.stringify(started.body)}`);
  }
  const run = await untilEnded(lab, started.body.id);
  // A few more reads after the end: the target must serve again.
  await new Promise((r) => setTimeout(r, 200));
  const outcomes = await load.stop();
  return { run, outcomes };
}

export const eventsOf = (run: ChaosRun, type: string) => run.timeline.filter((e) => e.type === type);
