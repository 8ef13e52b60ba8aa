import type { FailoverParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis } from './scenario-params';
import { failMasterOver, masterSlots, masterTargetParam, promotionTimeoutParam } from './sentinel-failover';

type Params = FailoverParams & Required<Omit<FailoverParams, 'target'>>;

/** SIGKILL / docker kill the master: Sentinel promotes a replica; the old master starts again and rejoins as a replica. */
export const failoverScenario: Scenario<Params> = {
  name: 'failover',
  summary:
    'SIGKILL the current Sentinel master; once Sentinel has promoted a replica, keep it down for downtimeMs, then start it again (it rejoins as a replica)',
  params: (limits) =>
    z.strictObject({
      target: masterTargetParam,
      downtimeMs: millis(limits, 0, 5000),
      promotionTimeoutMs: promotionTimeoutParam,
    }),
  targetsOf: (p, lookup) => masterSlots('failover', p.target, lookup, true),
  holdMs: (p) => p.downtimeMs,
  inject: (ctx, p) =>
    failMasterOver(ctx, p.promotionTimeoutMs, {
      verb: 'SIGKILL',
      takeDown: (t) => t.driver.kill(t.localId),
      undo: 'start (as a replica)',
      bringBack: (t) => t.driver.start(t.localId),
    }),
};
