import type { ManualFailoverParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis } from './scenario-params';
import { masterSlots, promotionTimeoutParam, sentinelOf } from './sentinel-failover';

type Params = Required<ManualFailoverParams>;

/**
 * SENTINEL FAILOVER: a switch with nothing broken, as an operator does before maintenance. The
 * master is named as the run's target when a chaos target runs it (for the report); nothing is undone.
 */
export const manualFailoverScenario: Scenario<Params> = {
  name: 'manual-failover',
  summary: 'SENTINEL FAILOVER: Sentinel promotes a replica with nothing broken; the run watches the app for durationMs after the promotion',
  params: (limits) =>
    z.strictObject({
      durationMs: millis(limits, 0, 5000),
      promotionTimeoutMs: promotionTimeoutParam,
    }),
  targetsOf: (_, lookup) => masterSlots('manual-failover', undefined, lookup, false),
  holdMs: (p) => p.durationMs,
  async inject(ctx, p) {
    const sentinel = sentinelOf(ctx);
    const since = Date.now();
    ctx.action(`SENTINEL FAILOVER ${sentinel.admin.masterName}`);
    await sentinel.admin.failover();
    await sentinel.promotion(since, p.promotionTimeoutMs);
  },
};
