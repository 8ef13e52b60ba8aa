import type { DurationParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis, targetParam } from './scenario-params';

/** The database crashes for durationMs: reads Redis holds are still served, the rest get a clear 503. */
export const mysqlOutageScenario: Scenario<Required<DurationParams>> = {
  name: 'mysql-outage',
  summary: 'SIGKILL the MySQL server, start it again after durationMs',
  params: (limits) => z.strictObject({ target: targetParam, durationMs: millis(limits, 1, 10_000) }),
  targetsOf: (p) => [{ param: 'target', id: p.target, kinds: ['mysql'] }],
  holdMs: (p) => p.durationMs,
  async inject(ctx) {
    const [t] = ctx.targets;
    ctx.undo(`start ${t.id}`, () => t.driver.start(t.localId));
    ctx.action(`SIGKILL ${t.id}`);
    await t.driver.kill(t.localId);
  },
};
