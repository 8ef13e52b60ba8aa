import { RunInProgressError, RunSlot } from './run-slot';

class Run {
  status = 'running';
  constructor(readonly id: string) {}
  snapshot() {
    return { id: this.id, status: this.status };
  }
}

const slot = (keep = 2) =>
  new RunSlot<Run, { id: string; status: string }>({ noun: 'loop test', cancelPath: (id) => `/runs/${id}/cancel`, keep });

describe('RunSlot (one run at a time, with history)', () => {
  it('refuses a second start with RUN_IN_PROGRESS naming the running id and where to cancel it', async () => {
    const runs = slot();
    await runs.start(async () => new Run('a'));
    const refused = await runs.start(async () => new Run('b')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunInProgressError);
    expect((refused as RunInProgressError).toBody()).toEqual({
      statusCode: 409,
      code: 'RUN_IN_PROGRESS',
      message: 'a loop test is running (run a); wait for it or POST /runs/a/cancel',
      runId: 'a',
    });
  });

  it('refuses a start while another one is still preparing its run (two starts in the same tick)', async () => {
    const runs = slot();
    let finishPreparing!: (run: Run) => void;
    const first = runs.start(() => new Promise<Run>((resolve) => (finishPreparing = resolve)));
    await expect(runs.start(async () => new Run('b'))).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS', runId: null });
    finishPreparing(new Run('a'));
    expect((await first).id).toBe('a');
    expect(runs.active?.id).toBe('a');
  });

  it('a start whose preparation fails leaves the slot free', async () => {
    const runs = slot();
    await expect(runs.start(() => Promise.reject(new Error('bad request')))).rejects.toThrow('bad request');
    expect((await runs.start(async () => new Run('a'))).id).toBe('a');
  });

  it('lists the active run first, then the last `keep` finished ones, newest first; finds either by id', async () => {
    const runs = slot(2);
    for (const id of ['a', 'b', 'c']) {
      const run = await runs.start(async () => new Run(id));
      run.status = 'completed';
      runs.end(run);
    }
    await runs.start(async () => new Run('d'));
    expect(runs.list().map((r) => r.id)).toEqual(['d', 'c', 'b']);
    expect(runs.find('d')).toEqual({ id: 'd', status: 'running' });
    expect(runs.find('b')).toEqual({ id: 'b', status: 'completed' });
    expect(runs.find('a')).toBeUndefined(); // past `keep`
    expect(runs.endedError('b', 'completed').toBody()).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
  });
});
