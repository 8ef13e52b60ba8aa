import { randomBytes } from 'node:crypto';
import { AppError, ERROR_CODES, type DurationParams } from '@rrl/contracts';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { withAdmin, type AdminLogin } from '../redis-admin';
import type { ResolvedTarget, Scenario, ScenarioContext } from './scenario';
import { millis, targetParam } from './scenario-params';

/** Pairs of a flat RESP2 reply (ACL GETUSER) as a record. */
function pairs(reply: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

/** Drops the app's open connections so its next AUTH (on reconnect) meets the new password. */
const kickUser = (c: Redis, user: string) => c.call('CLIENT', 'KILL', 'USER', user, 'SKIPME', 'yes');

/** The default user: requirepass is readable (CONFIG GET), so it is put back verbatim, "" included. */
async function rotateRequirepass(ctx: ScenarioContext, t: ResolvedTarget, login: AdminLogin, next: string): Promise<void> {
  const [, original = ''] = (await withAdmin(login, (c) => c.call('CONFIG', 'GET', 'requirepass'))) as string[];
  if (original) ctx.secret(original);
  ctx.undo(`restore the password of ${t.id}`, () =>
    withAdmin({ ...login, password: next }, async (c) => void (await c.call('CONFIG', 'SET', 'requirepass', original))),
  );
  ctx.action(`change the password of ${t.id} (CONFIG SET requirepass) and drop the app's connections`);
  await withAdmin(login, async (c) => {
    await c.call('CONFIG', 'SET', 'requirepass', next);
    await kickUser(c, 'default');
  });
}

/**
 * An ACL user: its passwords are only readable as SHA-256 hashes, which ACL SETUSER accepts back
 * (#<hash>), so the user ends with exactly the passwords (or nopass) it had.
 */
async function rotateAclUser(ctx: ScenarioContext, t: ResolvedTarget, login: AdminLogin, user: string, next: string): Promise<void> {
  const info = pairs((await withAdmin(login, (c) => c.call('ACL', 'GETUSER', user))) as unknown[]);
  const flags = (info.flags as string[] | undefined) ?? [];
  const hashes = (info.passwords as string[] | undefined) ?? [];
  const restore = flags.includes('nopass') ? ['nopass'] : hashes.map((h) => `#${h}`);
  ctx.undo(`restore the passwords of ACL user '${user}' on ${t.id}`, () =>
    withAdmin({ ...login, password: next }, async (c) => void (await c.call('ACL', 'SETUSER', user, 'resetpass', ...restore))),
  );
  ctx.action(`change the password of ACL user '${user}' on ${t.id} and drop its connections`);
  await withAdmin(login, async (c) => {
    await c.call('ACL', 'SETUSER', user, 'resetpass', `>${next}`);
    await kickUser(c, user);
  });
}

/**
 * The app's credentials stop working for durationMs, as when a password is rotated under it:
 * the server's password changes live and the app's connections are dropped, so it reconnects into
 * WRONGPASS (auth-failed). Needs the app's user to be allowed CONFIG / ACL and CLIENT KILL.
 * Neither password is ever recorded.
 */
export const authFailureScenario: Scenario<Required<DurationParams>> = {
  name: 'auth-failure',
  summary:
    "Change the Redis password live (requirepass, or the app's ACL user) for durationMs so the app's credentials fail, then restore it",
  params: (limits) => z.strictObject({ target: targetParam, durationMs: millis(limits, 1, 10_000) }),
  targetsOf: (p) => [{ param: 'target', id: p.target, kinds: ['redis'] }],
  check([t]) {
    if (!t.target.endpoint)
      throw new AppError(ERROR_CODES.VALIDATION_FAILED, `${t.id} has no reachable endpoint (is it running with a published port?)`);
  },
  holdMs: (p) => p.durationMs,
  async inject(ctx) {
    const [t] = ctx.targets;
    const { username, password } = ctx.credentials;
    const next = randomBytes(24).toString('base64url');
    ctx.secret(next);
    const login: AdminLogin = { endpoint: t.target.endpoint!, username, password };
    if (username && username !== 'default') return rotateAclUser(ctx, t, login, username, next);
    return rotateRequirepass(ctx, t, login, next);
  },
};
