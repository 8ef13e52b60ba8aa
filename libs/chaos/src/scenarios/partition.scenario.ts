import type { DurationParams } from '@rrl/contracts';
import { z } from 'zod';
import { DockerChaosDriver } from '../drivers';
import type { FaultProxy } from '../proxy';
import { noNetworkRoute, proxyInFrontOf } from './proxy-route';
import type { ResolvedTarget, Scenario, ScenarioContext } from './scenario';
import { millis, targetParam } from './scenario-params';

const TOXIC = 'chaos-partition';

/**
 * The proxy drops what it receives (Toxiproxy's blackhole), so a connection that lived through the
 * partition has lost bytes: when it heals, those connections are reset (as a partition longer than
 * the app's heartbeat timeout ends anyway) instead of letting a reply be matched to the wrong command.
 */
async function viaProxy(ctx: ScenarioContext, proxy: FaultProxy, id: string): Promise<void> {
  ctx.undo(`heal the partition of ${id} (proxy: remove blackhole, reset the connections it starved)`, async () => {
    await proxy.setToxic({ name: `${TOXIC}-heal`, type: 'reset_peer' });
    await proxy.removeToxic(TOXIC);
    await proxy.removeToxic(`${TOXIC}-heal`);
  });
  ctx.action(`partition ${id} (fault proxy blackhole)`);
  await proxy.setToxic({ name: TOXIC, type: 'blackhole', direction: 'both' });
}

async function viaDocker(ctx: ScenarioContext, driver: DockerChaosDriver, t: ResolvedTarget): Promise<void> {
  ctx.undo(`reconnect ${t.id} to its networks`, () => driver.networkConnect(t.localId));
  ctx.action(`partition ${t.id} (docker network disconnect)`);
  await driver.networkDisconnect(t.localId);
}

/** Cuts the app off Redis for durationMs: through the fault proxy when it is in front, else Docker's network. */
export const partitionScenario: Scenario<Required<DurationParams>> = {
  name: 'partition',
  summary: 'Cut Redis off the network for durationMs: fault proxy blackhole, or docker network disconnect for a container',
  params: (limits) => z.strictObject({ target: targetParam, durationMs: millis(limits, 1, 10_000) }),
  targetsOf: (p) => [{ param: 'target', id: p.target, kinds: ['redis'] }],
  check([t], proxy) {
    if (!proxyInFrontOf(t, proxy) && !(t.driver instanceof DockerChaosDriver)) {
      throw noNetworkRoute('partition', t, proxy, ', or target a Docker container (docker network disconnect)');
    }
  },
  holdMs: (p) => p.durationMs,
  async inject(ctx) {
    const [t] = ctx.targets;
    const proxy = proxyInFrontOf(t, ctx.proxy);
    if (proxy) return viaProxy(ctx, proxy, t.id);
    return viaDocker(ctx, t.driver as DockerChaosDriver, t);
  },
};
