import { AppError, ERROR_CODES, type ChaosTarget, type ScenarioName } from '@rrl/contracts';
import { z } from 'zod';
import type { SentinelAdmin } from '../sentinel/sentinel-admin';
import { nodeName } from '../sentinel/sentinel-description';
import type { ScenarioContext, SentinelRun, TargetLookup, TargetSlot } from './scenario';

/**
 * How long to wait for +switch-master. The default covers a production down-after-milliseconds
 * (Sentinel's own default is 30 s, the compose lab's 2 s) plus the election; the maximum stays
 * under the runner's 60 s safety margin, so the scenario's own timeout is the one that reports.
 */
export const promotionTimeoutParam = z.number().int().min(1000).max(45_000).default(30_000);

/** An explicit target instead of the current master (e.g. a master the drivers cannot match by address). */
export const masterTargetParam = z
  .string()
  .trim()
  .min(1, 'must be a target id listed by GET /api/chaos/targets')
  .optional()
  .describe('default: the master the sentinels name when the run starts');

function needsSentinel(scenario: ScenarioName): AppError {
  return new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `scenario '${scenario}' needs the app to reach Redis through Sentinel (REDIS_SENTINELS); this app talks to a single Redis node`,
  );
}

/** The target a node ("host:port", as Sentinel names it) runs in: a process by its endpoint, a container by its address. */
export function targetOfNode(node: string, targets: ChaosTarget[]): ChaosTarget | undefined {
  const colon = node.lastIndexOf(':');
  const host = node.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(node.slice(colon + 1));
  return targets.find(
    (t) =>
      t.kind === 'redis' &&
      ((t.endpoint && nodeName(t.endpoint.host, t.endpoint.port) === nodeName(host, port)) || t.addresses?.includes(host)),
  );
}

/**
 * The slot for the master: `explicit` when given, else the target of the master the sentinels name
 * now. Without Sentinel, a 400. When no target runs the master: a 400 when `required`, no slot otherwise.
 */
export async function masterSlots(
  scenario: ScenarioName,
  explicit: string | undefined,
  lookup: TargetLookup,
  required: boolean,
): Promise<TargetSlot[]> {
  const admin = requireSentinel(scenario, lookup.sentinel);
  if (explicit) return [{ param: 'target', id: explicit, kinds: ['redis'] }];
  const master = await admin.master();
  const target = targetOfNode(master, await lookup.list());
  if (target) return [{ param: 'target', id: target.id, kinds: ['redis'] }];
  if (!required) return [];
  throw new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `the sentinels name ${master} as master of '${admin.masterName}', and no chaos target runs it; name one with 'target'`,
    [{ field: 'target', problems: [`no chaos target runs the master ${master}`] }],
  );
}

function requireSentinel(scenario: ScenarioName, sentinel: SentinelAdmin | null): SentinelAdmin {
  if (!sentinel) throw needsSentinel(scenario);
  return sentinel;
}

/** The run's Sentinel view; the runner offers it whenever the app is in Sentinel mode, which targetsOf checked. */
export function sentinelOf(ctx: ScenarioContext): SentinelRun {
  if (!ctx.sentinel) throw new AppError(ERROR_CODES.CONFLICT, 'the app is not in Sentinel mode');
  return ctx.sentinel;
}
