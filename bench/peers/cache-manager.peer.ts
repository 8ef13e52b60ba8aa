/**
 * cache-manager with Keyv's Redis store (@keyv/redis, on node-redis) behind the ReadPath contract:
 * `wrap(key, factory)` over the lab's UsersRepository.
 *
 * Options, from the packages' READMEs (node_modules/cache-manager/README.md, node_modules/@keyv/redis/README.md):
 * - "defaults": `createCache({ stores: [createKeyv(url)] })` (cache-manager README, "Quick start" and its
 *   multi-store example; @keyv/redis README, "createKeyv"). Documented defaults that matter here: a failed
 *   Redis command emits 'error' and returns "nothing" (a miss), `throwOnErrors` false; node-redis keeps its
 *   offline queue and @keyv/redis's reconnect strategy (100 ms doubling to 2 s); no command timeout.
 * - "resilient": cache-manager's `nonBlocking: true` (README, "Options": set/del do not wait for the stores)
 *   over `createKeyvNonBlocking(url)` (@keyv/redis README: no throwing, no offline queue, no reconnect
 *   strategy, "so that it does not block ... on connection errors or timeouts"), plus the store's
 *   `connectionTimeout` (@keyv/redis options; 500 ms, the lab's command budget) and `throwOnConnectError: false`
 *   (README, "Gracefully Handling Errors and Timeouts"). With one store, `wrap` still awaits the store's
 *   `get` (nonBlocking races the stores only in `get`/`mget`).
 * The TTL is the lab's, so every path keeps an entry as long.
 */
import { createKeyv, createKeyvNonBlocking } from '@keyv/redis';
import { createCache, type Cache } from 'cache-manager';
import type { UpdateUserInput, UserDto } from '@rrl/contracts';
import type { PathRead, ReadPath } from '../read-path';
import { installedVersion } from './installed-version';
import type { PeerEnv } from './peer-env';

export type CacheManagerSetup = 'defaults' | 'resilient';

/** @keyv/redis connectionTimeout for "resilient": the lab's 500 ms Redis command budget. */
const CONNECTION_TIMEOUT_MS = 500;

const DESCRIPTIONS: Record<CacheManagerSetup, string> = {
  defaults: 'one @keyv/redis store (createKeyv), documented defaults',
  resilient: `nonBlocking; createKeyvNonBlocking (no offline queue, no reconnect strategy, no throwing), connectionTimeout ${CONNECTION_TIMEOUT_MS} ms`,
};

export class CacheManagerPeer implements ReadPath {
  readonly name: string;
  readonly description: string;
  private readonly cache: Cache;

  constructor(
    private readonly env: PeerEnv,
    setup: CacheManagerSetup,
  ) {
    this.name = `cache-manager ${setup}`;
    this.description =
      `cache-manager ${installedVersion('cache-manager')} + @keyv/redis ${installedVersion('@keyv/redis')} ` +
      `(node-redis ${installedVersion('@redis/client')}): ${DESCRIPTIONS[setup]}`;
    const { host, port, password } = env.redis;
    const url = `redis://${password ? `:${encodeURIComponent(password)}@` : ''}${host}:${port}`;
    const options = { namespace: env.keyPrefix };
    const store =
      setup === 'defaults'
        ? createKeyv(url, options)
        : createKeyvNonBlocking(url, { ...options, connectionTimeout: CONNECTION_TIMEOUT_MS, throwOnConnectError: false });
    // The README's advice: listen to 'error' (errors are emitted, then the call returns a miss).
    store.on('error', () => undefined);
    this.cache = createCache({ stores: [store], ttl: env.ttlMs, nonBlocking: setup === 'resilient' });
  }

  async get(id: number): Promise<PathRead> {
    let fromDatabase = false;
    const user = await this.cache.wrap(String(id), () => {
      fromDatabase = true;
      return this.env.users.findById(id);
    });
    return { user, source: fromDatabase ? 'mysql' : 'redis' };
  }

  /** Database, then `del`: the README's way to drop a changed entry. */
  async update(id: number, input: UpdateUserInput): Promise<UserDto> {
    const user = await this.env.users.update(id, input);
    await this.cache.del(String(id));
    return user;
  }

  async clear(): Promise<void> {
    await this.cache.clear();
  }

  async close(): Promise<void> {
    await this.cache.disconnect().catch(() => undefined);
  }
}
