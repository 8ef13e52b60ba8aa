import type { ChaosEndpoint } from '@rrl/contracts';
import { Redis } from 'ioredis';

/** Where and as whom an admin connection logs in. */
export interface AdminLogin {
  endpoint: ChaosEndpoint;
  username: string | null;
  password: string | null;
}

/**
 * The chaos lib's one way to reconfigure a Redis server (passwords, ACL users, client kills, a
 * Docker container's or a local process's): a short-lived connection.
 * Connected before it returns, so a wrong login fails here, not on the first command.
 */
export async function connectAdmin({ endpoint, username, password }: AdminLogin): Promise<Redis> {
  const client = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    username: username ?? undefined,
    password: password ?? undefined,
    lazyConnect: true, // connected below so a refused login rejects here
    connectTimeout: 2000, // a reachable server answers in milliseconds; a dead one must not stall the run
    commandTimeout: 2000, // same budget per command
    maxRetriesPerRequest: 0, // one attempt: the runner reports a failure rather than retrying it
    retryStrategy: () => null, // a throw-away connection never reconnects
    enableOfflineQueue: false, // commands run on the connected socket or fail
    enableReadyCheck: false, // no INFO first: an ACL user may not be allowed it
    protocol: 2, // plain arrays from CONFIG GET / ACL GETUSER (RESP3 would return maps)
    keyPrefix: '', // admin commands name no keys
  });
  // Failures surface through the rejected commands; a refused login only through this event
  // (connect() then rejects with a bare "Connection is closed."), so it is kept to reject with.
  let loginError: Error | undefined;
  client.on('error', (e: Error) => (loginError ??= e));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw loginError ?? e;
  }
  return client;
}

/** CONFIG SET requirepass on a running server, logged in with its current password; `next` null removes it. */
export function setRequirePass(endpoint: ChaosEndpoint, current: string | null, next: string | null): Promise<unknown> {
  return withAdmin({ endpoint, username: null, password: current }, (c) => c.config('SET', 'requirepass', next ?? ''));
}

/** Runs fn on a fresh admin connection and closes it. */
export async function withAdmin<T>(login: AdminLogin, fn: (c: Redis) => Promise<T>): Promise<T> {
  const client = await connectAdmin(login);
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}
