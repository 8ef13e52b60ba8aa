import { downtimeScenario } from './downtime-scenario';

/**
 * The enhanced restart: a stop and a long downtime (45 s by default: longer than the reconnect
 * backoff cap, so several attempts at the capped delay show up in the timeline), then a start.
 */
export const restartScenario = downtimeScenario(
  'restart',
  'Stop the server, keep it down for downtimeMs while every reconnect attempt is recorded, start it',
  45_000,
  (t) => t.driver.stop(t.localId),
  'stop (restart)',
);
