import { type AppConfig, type DeepPartial, loadConfig } from '@rrl/config';
import type { RedisConnectionState, RedisStateTransition } from '@rrl/contracts';
import type { RedisConnectionService } from '@rrl/redis';
import { waitFor } from './wait-for';

/** Test config pointing at one local port, with reconnect timings tight enough for tests. */
export function testRedisConfig(port: number, redis: DeepPartial<AppConfig['redis']> = {}): AppConfig {
  const { connection, resilience, ...rest } = redis;
  return loadConfig({
    env: {},
    overrides: {
      redis: {
        host: '127.0.0.1',
        port,
        ...rest,
        connection: { retryDelay: 50, maxRetryDelay: 500, connectTimeout: 1000, ...connection },
        resilience: { ...resilience },
      },
    },
  });
}

export async function waitForState(service: RedisConnectionService, state: RedisConnectionState, timeoutMs = 10_000): Promise<void> {
  await waitFor(`redis state ${state} (now ${service.state})`, () => service.state === state, timeoutMs, 10);
}

/** Collects transitions as they happen (history() is capped; this is not). */
export function recordTransitions(service: RedisConnectionService): RedisStateTransition[] {
  const seen: RedisStateTransition[] = [];
  service.events.on('transition', (t) => seen.push(t));
  return seen;
}
