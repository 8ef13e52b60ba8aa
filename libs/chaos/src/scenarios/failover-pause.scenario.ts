import type { FailoverPauseParams } from '@rrl/contracts';
import { masterFailoverScenario } from './master-failover-scenario';
import type { Scenario } from './scenario';

type Params = FailoverPauseParams & Required<Omit<FailoverPauseParams, 'target'>>;

/**
 * SIGSTOP / docker pause the master: its sockets stay open, so a client that waits for its socket
 * to break hangs until the old master wakes; Sentinel promotes a replica meanwhile.
 */
export const failoverPauseScenario: Scenario<Params> = masterFailoverScenario(
  'failover-pause',
  'Freeze the current Sentinel master (SIGSTOP / docker pause) until Sentinel has promoted a replica, then for durationMs more; it wakes as a replica',
  'durationMs',
  {
    verb: 'pause',
    takeDown: (t) => t.driver.pause(t.localId),
    undo: 'unpause (it wakes as a replica)',
    bringBack: (t) => t.driver.unpause(t.localId),
  },
);
