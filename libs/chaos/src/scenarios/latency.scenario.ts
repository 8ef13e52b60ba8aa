import type { LatencyParams } from '@rrl/contracts';
import { z } from 'zod';
import { noNetworkRoute, proxyInFrontOf } from './proxy-route';
import type { Scenario } from './scenario';
import { millis, targetParam } from './scenario-params';

const TOXIC = 'chaos-latency';
/** A minute per packet is already a partition; beyond that the parameter is a typo. */
const MAX_LATENCY_MS = 60_000;

/** Every reply from Redis to the app is delayed by latencyMs ± jitterMs (fault proxy) for durationMs. */
export const latencyScenario: Scenario<Required<LatencyParams>> = {
  name: 'latency',
  summary: 'Delay traffic between the app and Redis by latencyMs ± jitterMs for durationMs (fault proxy)',
  params: (limits) =>
    z
      .strictObject({
        target: targetParam,
        durationMs: millis(limits, 1, 10_000),
        latencyMs: z.number().int().min(0).max(MAX_LATENCY_MS).default(500),
        jitterMs: z.number().int().min(0).max(MAX_LATENCY_MS).default(100),
      })
      .refine((p) => p.jitterMs <= p.latencyMs, { path: ['jitterMs'], message: 'must not exceed latencyMs' }),
  targetsOf: (p) => [{ param: 'target', id: p.target, kinds: ['redis'] }],
  check([t], proxy) {
    if (!proxyInFrontOf(t, proxy)) throw noNetworkRoute('latency', t, proxy);
  },
  holdMs: (p) => p.durationMs,
  async inject(ctx, p) {
    const [t] = ctx.targets;
    const proxy = proxyInFrontOf(t, ctx.proxy)!;
    ctx.undo(`remove the latency between the app and ${t.id}`, async () => void (await proxy.removeToxic(TOXIC)));
    ctx.action(`add ${p.latencyMs} ± ${p.jitterMs} ms latency to ${t.id} (fault proxy)`);
    // Downstream only, as Toxiproxy's latency toxic does by default: each reply (so each round trip) is latencyMs late.
    await proxy.setToxic({ name: TOXIC, type: 'latency', latencyMs: p.latencyMs, jitterMs: p.jitterMs, direction: 'downstream' });
  },
};
