import type { BothDownParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis, targetParam } from './scenario-params';

/** Redis and MySQL crash together: nothing can be served, every read must be a clear 503 and the API must live. */
export const bothDownScenario: Scenario<Required<BothDownParams>> = {
  name: 'both-down',
  summary: 'SIGKILL the Redis target and the MySQL target (mysqlTarget), start both after durationMs',
  params: (limits) => z.strictObject({ target: targetParam, mysqlTarget: targetParam, durationMs: millis(limits, 1, 10_000) }),
  targetsOf: (p) => [
    { param: 'target', id: p.target, kinds: ['redis'] },
    { param: 'mysqlTarget', id: p.mysqlTarget, kinds: ['mysql'] },
  ],
  holdMs: (p) => p.durationMs,
  async inject(ctx) {
    for (const t of ctx.targets) ctx.undo(`start ${t.id}`, () => t.driver.start(t.localId));
    ctx.action(`SIGKILL ${ctx.targets.map((t) => t.id).join(' and ')}`);
    await Promise.all(ctx.targets.map((t) => t.driver.kill(t.localId)));
  },
};
