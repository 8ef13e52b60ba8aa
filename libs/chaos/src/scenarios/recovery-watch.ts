import { sleep } from '@rrl/common';
import type { ActiveRun } from './active-run';
import type { AppUnderTest } from './app-under-test';

/** How often recovery is checked once the target is back. */
const POLL_MS = 100;

/**
 * Once the target is back: until the app reads from Redis again (or, for a MySQL fault, the
 * database answers), a cancel, or `timeoutMs`; notes in the timeline when no recovery was seen.
 */
export async function watchRecovery(run: ActiveRun, app: AppUnderTest, probing: boolean, timeoutMs: number): Promise<void> {
  const { recorder } = run;
  const mysqlOnly = recorder.faulted === 'mysql';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !run.signal.aborted) {
    if (mysqlOnly && (await app.databaseAnswers())) recorder.databaseBack();
    if (recorder.recovered) return;
    // Without reads nothing can show a read from Redis again: the connection being ready has to do.
    if (!mysqlOnly && !probing && recorder.readCount === 0 && app.redisState() === 'ready' && recorder.reconnected) return;
    await sleep(POLL_MS, run.signal);
  }
  if (!recorder.recovered) recorder.mark('note', `no recovery seen within ${timeoutMs} ms of the target coming back`);
}
