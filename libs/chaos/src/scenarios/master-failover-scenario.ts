import type { ScenarioName } from '@rrl/contracts';
import { z } from 'zod';
import type { ResolvedTarget, Scenario } from './scenario';
import { millis } from './scenario-params';
import { masterSlots, masterTargetParam, promotionTimeoutParam, sentinelOf } from './sentinel-failover';

/** How a scenario breaks the master and brings it back; `verb` and `undo` name the steps in the report. */
export interface MasterFault {
  verb: string;
  takeDown: (t: ResolvedTarget) => Promise<void>;
  undo: string;
  bringBack: (t: ResolvedTarget) => Promise<void>;
}

type Params<K extends string> = { target?: string; promotionTimeoutMs: number } & Record<K, number>;

/**
 * Fail the Sentinel master over by breaking it: inject() takes the master down, registers bringing
 * it back as the undo, and returns once Sentinel has announced the promotion (it rejects after
 * promotionTimeoutMs without one: the run fails and the master is brought back). The runner then
 * holds the fault for the `hold` parameter (default 5 s) before the undo.
 */
export function masterFailoverScenario<K extends string>(
  name: ScenarioName,
  summary: string,
  hold: K,
  fault: MasterFault,
): Scenario<Params<K>> {
  return {
    name,
    summary,
    params: (limits) =>
      // A computed key widens zod's inferred shape to an index signature: the cast restores the named one.
      z.strictObject({
        target: masterTargetParam,
        [hold]: millis(limits, 0, 5000),
        promotionTimeoutMs: promotionTimeoutParam,
      }) as unknown as z.ZodType<Params<K>>,
    targetsOf: (p, lookup) => masterSlots(name, p.target, lookup, true),
    holdMs: (p) => p[hold],
    async inject(ctx, p) {
      const sentinel = sentinelOf(ctx);
      const [t] = ctx.targets;
      ctx.undo(`${fault.undo} ${t.id}`, () => fault.bringBack(t));
      const since = Date.now();
      ctx.action(`${fault.verb} the master ${t.id}`);
      await fault.takeDown(t);
      await sentinel.promotion(since, p.promotionTimeoutMs);
    },
  };
}
