import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { percentile as percentileOfSorted, sortedAscending } from '@rrl/common';
import { loadConfig, type AppConfig, type DeepPartial } from '@rrl/config';
import type { RedisStatus } from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { createApp } from '../../src/app.factory';
import { prepareLabRuntime, type LocalTarget } from '../../src/embedded/lab-runtime';
import type { LiveOptions } from '../../src/live/live.options';
import { labClient, type LabClient } from './lab-client';

export interface LabOptions {
  redis?: { host?: string; port: number; password?: string; username?: string };
  mysql?: { host: string; port: number; user: string; password: string; database: string };
  overrides?: DeepPartial<AppConfig>;
  /** Local processes (the test's redis-server / mariadbd) offered to the chaos process driver. */
  targets?: LocalTarget[];
  /** Limits of the WebSocket feed (defaults: live/live.options.ts). */
  live?: Partial<LiveOptions>;
  /** Wait until /health/ready is 200 (the database connected and migrated) before returning. Default true. */
  waitForDatabase?: boolean;
}

/** The operator token every lab gets unless its overrides say otherwise (chaos.token null: none). */
export const CHAOS_TOKEN = 'test-chaos-token-0123456789';
export const auth = { authorization: `Bearer ${CHAOS_TOKEN}` };

export interface Lab extends LabClient {
  app: NestFastifyApplication;
  /** The config the app runs with (after the runtime pointed it at a proxy, if enabled). */
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The real API (same factory as main.ts) on a free port, pointed at the test's own Redis and
 * MariaDB, with tight timings so outages are noticed quickly. Its client sends the operator token
 * (when one is configured) on every request, as the dashboard does.
 */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      logging: { level: 'error', format: 'json' },
      shutdownGraceMs: 0,
      redis: {
        host: opts.redis?.host ?? '127.0.0.1',
        port: opts.redis?.port ?? 1,
        password: opts.redis?.password ?? null,
        username: opts.redis?.username ?? null,
        connection: { retryDelay: 50, maxRetryDelay: 500, heartbeatInterval: 250, heartbeatTimeout: 500 },
        resilience: { breaker: { halfOpenAfter: 500 } },
      },
      mysql: opts.mysql ?? null,
      sqlite: { file: ':memory:' },
      chaos: { token: CHAOS_TOKEN },
      ...opts.overrides,
      ...(opts.overrides?.chaos ? { chaos: { token: CHAOS_TOKEN, ...opts.overrides.chaos } } : {}),
    } as DeepPartial<AppConfig>,
  });
  const runtime = await prepareLabRuntime(config, opts.targets ?? []);
  const app = await createApp(runtime, { live: opts.live });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  const base = url.replace('[::1]', '127.0.0.1');
  if (opts.waitForDatabase !== false) {
    // Closed when it never gets there: the caller has no handle to close, and a lab left running
    // keeps reconnecting (Jest never exits) and holds connections of the shared MariaDB.
    await waitFor('database connected', async () => (await fetch(`${base}/health/ready`)).status === 200, 30_000).catch(
      async (e: unknown) => {
        await app.close();
        throw e;
      },
    );
  }
  const token = runtime.config.chaos.token;
  return { ...labClient(base, token ? { authorization: `Bearer ${token}` } : {}), app, config: runtime.config, close: () => app.close() };
}

/** Waits until the app reports its Redis connection ready. */
export async function redisReady(lab: LabClient, timeoutMs?: number): Promise<void> {
  await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready', timeoutMs);
}

export interface RedisLab {
  redis: RedisServerProcess;
  db: TestDatabase;
  lab: Lab;
  close(): Promise<void>;
}

/** A lab over its own redis-server and a fresh database, returned once Redis is ready. */
export async function startRedisLab(): Promise<RedisLab> {
  const redis = await RedisServerProcess.start();
  const db = await createTestDatabase();
  const lab = await startLab({ redis: { port: redis.port }, mysql: db });
  await redisReady(lab);
  return {
    redis,
    db,
    lab,
    async close() {
      await lab.close();
      await redis.stop();
      await db.drop();
    },
  };
}

/** The nearest-rank percentile of unsorted values, 0 when there are none. */
export function percentile(values: number[], p: number): number {
  return percentileOfSorted(sortedAscending(values), p) ?? 0;
}
