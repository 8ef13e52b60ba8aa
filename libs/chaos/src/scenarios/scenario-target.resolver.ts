import { AppError, ERROR_CODES, type ChaosTargetKind, type ScenarioParams } from '@rrl/contracts';
import type { SentinelAdmin } from '../sentinel/sentinel-admin';
import type { ChaosTargets } from './chaos-targets';
import type { FaultedStores } from './run-recorder';
import type { ResolvedTarget, Scenario, TargetSlot } from './scenario';

/** Turns a scenario's target parameters into resolved targets of the kinds it needs (400 otherwise). */
export class ScenarioTargetResolver {
  constructor(
    private readonly targets: ChaosTargets,
    private readonly sentinel: SentinelAdmin | null,
  ) {}

  async resolve(scenario: Scenario, params: ScenarioParams): Promise<ResolvedTarget[]> {
    const slots: TargetSlot[] = await scenario.targetsOf(params, {
      sentinel: this.sentinel,
      list: async () => (await this.targets.list()).targets,
    });
    const resolved = await Promise.all(slots.map((s) => this.targets.resolve(s.id)));
    slots.forEach((slot, i) => {
      const { kind } = resolved[i].target;
      if (!slot.kinds.includes(kind)) throw wrongKind(scenario.name, slot, resolved[i].id, kind);
    });
    return resolved;
  }
}

/** Which stores a run breaks, for its report. */
export function faultedStores(targets: ResolvedTarget[]): FaultedStores {
  const kinds = new Set(targets.map((t) => t.target.kind));
  if (kinds.has('redis') && kinds.has('mysql')) return 'both';
  return kinds.has('mysql') ? 'mysql' : 'redis';
}

function wrongKind(scenario: string, slot: TargetSlot, id: string, kind: ChaosTargetKind): AppError {
  return new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `scenario '${scenario}' needs ${slot.kinds.join(' or ')} for '${slot.param}', but ${id} is ${kind}`,
    [{ field: slot.param, problems: [`must be a ${slot.kinds.join(' or ')} target; ${id} is ${kind}`] }],
  );
}
