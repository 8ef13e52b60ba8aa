import type { FailoverPauseParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis } from './scenario-params';
import { failMasterOver, masterSlots, masterTargetParam, promotionTimeoutParam } from './sentinel-failover';

type Params = FailoverPauseParams & Required<Omit<FailoverPauseParams, 'target'>>;

/**
 * SIGSTOP / docker pause the master: its sockets stay open, so a client that waits for its socket
 * to break hangs until the old master wakes; Sentinel promotes a replica meanwhile.
 */
export const failoverPauseScenario: Scenario<Params> = {
  name: 'failover-pause',
  summary:
    'Freeze the current Sentinel master (SIGSTOP / docker pause) until Sentinel has promoted a replica, then for durationMs more; it wakes as a replica',
  params: (limits) =>
    z.strictObject({
      target: masterTargetParam,
      durationMs: millis(limits, 0, 5000),
      promotionTimeoutMs: promotionTimeoutParam,
    }),
  targetsOf: (p, lookup) => masterSlots('failover-pause', p.target, lookup, true),
  holdMs: (p) => p.durationMs,
  inject: (ctx, p) =>
    failMasterOver(ctx, p.promotionTimeoutMs, {
      verb: 'pause',
      takeDown: (t) => t.driver.pause(t.localId),
      undo: 'unpause (it wakes as a replica)',
      bringBack: (t) => t.driver.unpause(t.localId),
    }),
};
