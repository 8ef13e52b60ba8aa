/**
 * bentocache behind the ReadPath contract: getOrSet over the lab's UsersRepository.
 *
 * Options, from bentocache's documentation (bentocache.dev/docs; the pages are docs/content/docs/*.md in
 * github.com/Julien-R44/bentocache):
 * - "defaults": `bentostore().useL2Layer(redisDriver({ connection }))`, nothing else (cache_drivers.md, "Redis").
 *   Documented defaults that matter here (options.md): suppressL2Errors false for an L2-only store (a Redis
 *   error is rethrown as E_L2_CACHE_ERROR), no circuit breaker, no grace period, no timeouts.
 * - "resilient": every resilience option options.md lists, with the values its pages use as examples:
 *   `l2CircuitBreakerDuration` (options.md: after one failed L2 call, skip L2 for that long; 5 s here, the
 *   lab's half-open delay), `suppressL2Errors: true` (options.md: L2 errors are ignored, the factory answers),
 *   `grace: '6h'` + `graceBackoff: '5m'` (grace_periods.md), `timeout: '200ms'` soft + `hardTimeout: '1s'`
 *   (timeouts.md). Note what timeouts.md says they bound: the *factory* (the database read), not Redis.
 * - "l1": "resilient" plus an in-memory L1 tier, `useL1Layer(memoryDriver({ maxItems: 1000 }))`
 *   (cache_drivers.md, "Memory"; multi_tier.md). A different design: hits are answered from process memory.
 *   No bus: one process here, so no other instance's L1 to keep in sync.
 * The TTL is the lab's (bentocache's own default is 30 s), so every path keeps an entry as long.
 */
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import type { UpdateUserInput, UserDto } from '@rrl/contracts';
import type { PathRead, ReadPath } from '../read-path';
import { installedVersion } from './installed-version';
import type { PeerEnv } from './peer-env';

export type BentocacheSetup = 'defaults' | 'resilient' | 'l1';

const RESILIENT = {
  l2CircuitBreakerDuration: '5s',
  suppressL2Errors: true,
  grace: '6h',
  graceBackoff: '5m',
  timeout: '200ms',
  hardTimeout: '1s',
} as const;

const DESCRIPTIONS: Record<BentocacheSetup, string> = {
  defaults: 'L2 (Redis) only, documented defaults',
  resilient: 'L2 only; l2CircuitBreakerDuration 5s, suppressL2Errors, grace 6h (backoff 5m), timeout 200ms, hardTimeout 1s',
  l1: 'L1 memory (maxItems 1000) + L2; options as "resilient"',
};

/**
 * The ioredis client bentocache's redisDriver would build from `{ host, port }`, made here only to attach an
 * 'error' listener (the driver adds none, and ioredis prints every unhandled error). Every option is
 * ioredis 6's default, spelled out: no command timeout, offline queue on, 20 retries per request.
 */
function defaultIoredis(env: PeerEnv): Redis {
  const client = new Redis({
    host: env.redis.host,
    port: env.redis.port,
    password: env.redis.password,
    connectTimeout: 10_000,
    commandTimeout: undefined,
    maxRetriesPerRequest: 20,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    enableAutoPipelining: false,
    keepAlive: 30_000,
    lazyConnect: false,
    reconnectOnError: null,
    retryStrategy: (times) => Math.min(2 ** (times - 1) * 50, 5000) + Math.floor(Math.random() * 200),
  });
  client.on('error', () => undefined);
  return client;
}

export class BentocachePeer implements ReadPath {
  readonly name: string;
  readonly description: string;
  private readonly client: Redis;
  private readonly bento: BentoCache<{ users: ReturnType<typeof bentostore> }>;
  /** L1 or L2, per key, of the last hit bentocache reported (only the "l1" setup needs it). */
  private readonly lastHitLayer = new Map<string, string>();

  constructor(
    private readonly env: PeerEnv,
    readonly setup: BentocacheSetup,
  ) {
    this.name = `bentocache ${setup === 'l1' ? '+ L1 memory' : setup}`;
    this.description = `bentocache ${installedVersion('bentocache')}: ${DESCRIPTIONS[setup]}`;
    this.client = defaultIoredis(env);
    let store = bentostore();
    if (setup === 'l1') store = store.useL1Layer(memoryDriver({ maxItems: 1000 }));
    store = store.useL2Layer(redisDriver({ connection: this.client }));
    this.bento = new BentoCache({
      default: 'users',
      prefix: env.keyPrefix,
      ttl: env.ttlMs,
      ...(setup === 'defaults' ? {} : RESILIENT),
      stores: { users: store },
    });
    if (setup === 'l1') this.bento.on('cache:hit', (e: { key: string; layer: string }) => this.lastHitLayer.set(e.key, e.layer));
  }

  async get(id: number): Promise<PathRead> {
    const key = String(id);
    let fromDatabase = false;
    const user = await this.bento.getOrSet({
      key,
      factory: () => {
        fromDatabase = true;
        return this.env.users.findById(id);
      },
    });
    if (fromDatabase) return { user, source: 'mysql' };
    return { user, source: this.setup === 'l1' && this.lastHitLayer.get(key) === 'l1' ? 'memory' : 'redis' };
  }

  /** Database, then `delete`: the invalidation bentocache's methods.md shows after a change. */
  async update(id: number, input: UpdateUserInput): Promise<UserDto> {
    const user = await this.env.users.update(id, input);
    await this.bento.delete({ key: String(id) });
    return user;
  }

  async clear(): Promise<void> {
    await this.bento.clear();
  }

  async close(): Promise<void> {
    await this.bento.disconnectAll().catch(() => undefined);
    this.client.disconnect();
  }
}
