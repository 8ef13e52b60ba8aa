import { downtimeScenario } from './downtime-scenario';

export const crashScenario = downtimeScenario(
  'crash',
  'SIGKILL the server (nothing flushed), start it again after downtimeMs',
  5000,
  (t) => t.driver.kill(t.localId),
  'SIGKILL',
);
