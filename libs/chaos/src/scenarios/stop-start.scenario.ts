import { downtimeScenario } from './downtime-scenario';

export const stopStartScenario = downtimeScenario(
  'stop-start',
  'Stop the server cleanly (SIGTERM), start it again after downtimeMs',
  5000,
  (t) => t.driver.stop(t.localId),
  'stop',
);
