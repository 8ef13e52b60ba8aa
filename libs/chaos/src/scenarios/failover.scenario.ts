import type { FailoverParams } from '@rrl/contracts';
import { masterFailoverScenario } from './master-failover-scenario';
import type { Scenario } from './scenario';

type Params = FailoverParams & Required<Omit<FailoverParams, 'target'>>;

/** SIGKILL / docker kill the master: Sentinel promotes a replica; the old master starts again and rejoins as a replica. */
export const failoverScenario: Scenario<Params> = masterFailoverScenario(
  'failover',
  'SIGKILL the current Sentinel master; once Sentinel has promoted a replica, keep it down for downtimeMs, then start it again (it rejoins as a replica)',
  'downtimeMs',
  {
    verb: 'SIGKILL',
    takeDown: (t) => t.driver.kill(t.localId),
    undo: 'start (as a replica)',
    bringBack: (t) => t.driver.start(t.localId),
  },
);
