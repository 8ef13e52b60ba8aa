import { AppError, ERROR_CODES, SCENARIO_NAMES, type ScenarioInfo, type ScenarioName } from '@rrl/contracts';
import { z } from 'zod';
import { authFailureScenario } from './auth-failure.scenario';
import { bothDownScenario } from './both-down.scenario';
import { crashScenario } from './crash.scenario';
import { failoverPauseScenario } from './failover-pause.scenario';
import { failoverScenario } from './failover.scenario';
import { latencyScenario } from './latency.scenario';
import { manualFailoverScenario } from './manual-failover.scenario';
import { mysqlOutageScenario } from './mysql-outage.scenario';
import { partitionScenario } from './partition.scenario';
import { pauseScenario } from './pause.scenario';
import { restartScenario } from './restart.scenario';
import type { Scenario, ScenarioLimits } from './scenario';
import { stopStartScenario } from './stop-start.scenario';

/** Scenarios differ in their parameter type; the runner only ever hands one what its own schema parsed. */
const erased = <P extends object>(s: Scenario<P>) => s as unknown as Scenario;

/** Every scenario by name, in the order the API lists them. */
export const SCENARIOS: Record<ScenarioName, Scenario> = {
  crash: erased(crashScenario),
  'stop-start': erased(stopStartScenario),
  restart: erased(restartScenario),
  pause: erased(pauseScenario),
  'auth-failure': erased(authFailureScenario),
  partition: erased(partitionScenario),
  latency: erased(latencyScenario),
  'mysql-outage': erased(mysqlOutageScenario),
  'both-down': erased(bothDownScenario),
  failover: erased(failoverScenario),
  'failover-pause': erased(failoverPauseScenario),
  'manual-failover': erased(manualFailoverScenario),
};

/** The scenario called `name`, or a 404 listing the known ones. */
export function scenarioNamed(name: string): Scenario {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
    throw new AppError(ERROR_CODES.NOT_FOUND, `unknown scenario '${name}'; known: ${SCENARIO_NAMES.join(', ')}`);
  }
  return SCENARIOS[name as ScenarioName];
}

/** Every scenario with its parameters as JSON Schema (what a client needs to build a form). */
export function describeScenarios(limits: ScenarioLimits): ScenarioInfo[] {
  return SCENARIO_NAMES.map((name) => {
    const scenario = SCENARIOS[name];
    const { $schema: _, ...parameters } = z.toJSONSchema(scenario.params(limits), { io: 'input' }) as Record<string, unknown>;
    return { name, summary: scenario.summary, parameters };
  });
}
