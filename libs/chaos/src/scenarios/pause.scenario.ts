import type { DurationParams } from '@rrl/contracts';
import { z } from 'zod';
import type { Scenario } from './scenario';
import { millis, targetParam } from './scenario-params';

/** SIGSTOP / docker pause: sockets stay open, nothing answers; the hang TCP keepalive does not catch. */
export const pauseScenario: Scenario<Required<DurationParams>> = {
  name: 'pause',
  summary: 'Freeze the server (SIGSTOP / docker pause) for durationMs: connections stay open but nothing answers',
  params: (limits) => z.strictObject({ target: targetParam, durationMs: millis(limits, 1, 10_000) }),
  targetsOf: (p) => [{ param: 'target', id: p.target, kinds: ['redis', 'mysql'] }],
  holdMs: (p) => p.durationMs,
  async inject(ctx) {
    const [t] = ctx.targets;
    ctx.undo(`unpause ${t.id}`, () => t.driver.unpause(t.localId));
    ctx.action(`pause ${t.id}`);
    await t.driver.pause(t.localId);
  },
};
