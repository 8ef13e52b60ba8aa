import type { ChaosTargetKind, DowntimeParams, ScenarioName } from '@rrl/contracts';
import { z } from 'zod';
import type { ResolvedTarget, Scenario } from './scenario';
import { millis, targetParam } from './scenario-params';

const SERVER_KINDS: ChaosTargetKind[] = ['redis', 'mysql'];

/** Down for `downtimeMs`, then started again: the three ways a server goes away and comes back. */
export function downtimeScenario(
  name: ScenarioName,
  summary: string,
  defaultDowntimeMs: number,
  takeDown: (t: ResolvedTarget) => Promise<void>,
  verb: string,
): Scenario<Required<DowntimeParams>> {
  return {
    name,
    summary,
    params: (limits) => z.strictObject({ target: targetParam, downtimeMs: millis(limits, 0, defaultDowntimeMs) }),
    targetsOf: (p) => [{ param: 'target', id: p.target, kinds: SERVER_KINDS }],
    holdMs: (p) => p.downtimeMs,
    async inject(ctx) {
      const [t] = ctx.targets;
      ctx.undo(`start ${t.id}`, () => t.driver.start(t.localId));
      ctx.action(`${verb} ${t.id}`);
      await takeDown(t);
    },
  };
}
