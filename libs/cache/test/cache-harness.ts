import { Test, type TestingModule } from '@nestjs/testing';
import { deepMerge } from '@rrl/common';
import { AppConfigModule, loadConfig, type AppConfig, type DeepPartial } from '@rrl/config';
import { RedisConnectionService, RedisModule } from '@rrl/redis';
import { waitFor } from '@rrl/testing';
import { DatabaseConnectionService, DatabaseModule } from '@rrl/database';
import { UsersModule, USERS_SCHEMA, UsersRepository } from '@rrl/users';
import { CacheModule } from '../src/cache.module';
import { UserCacheService } from '../src/user-cache.service';

export interface CacheHarness {
  app: TestingModule;
  config: AppConfig;
  cache: UserCacheService;
  users: UsersRepository;
  redis: RedisConnectionService;
  close(): Promise<void>;
}

export interface HarnessOptions {
  redisPort: number;
  /** Omitted: SQLite in memory. */
  mysql?: { host: string; port: number; user: string; password: string; database: string };
  /** Deep-merged over the harness defaults. */
  overrides?: DeepPartial<AppConfig>;
}

/** The cache wired as the app wires it (config, Redis, users, cache modules), with tight timings. */
export async function startCacheHarness({ redisPort, mysql, overrides = {} }: HarnessOptions): Promise<CacheHarness> {
  const config = loadConfig({
    env: {},
    overrides: deepMerge(
      {
        redis: {
          host: '127.0.0.1',
          port: redisPort,
          connection: { retryDelay: 50, maxRetryDelay: 500, connectTimeout: 1000, heartbeatInterval: 250, heartbeatTimeout: 500 },
          resilience: { breaker: { halfOpenAfter: 500 } },
        },
        ...(mysql ? { mysql: { ...mysql, queryTimeout: 1000, connectTimeout: 1000 } } : {}),
        sqlite: { file: ':memory:' },
      },
      overrides,
    ),
  });
  const app = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot({ config }),
      RedisModule.forRoot(),
      DatabaseModule.forRoot({ schemas: [USERS_SCHEMA] }),
      UsersModule.forRoot(),
      CacheModule.forRoot(),
    ],
  }).compile();
  app.useLogger(false);
  await app.init();
  await app.get(DatabaseConnectionService).whenConnected(30_000);
  const redis = app.get(RedisConnectionService);
  await waitFor('redis ready', () => redis.isReady(), 10_000);
  return { app, config, cache: app.get(UserCacheService), users: app.get(UsersRepository), redis, close: () => app.close() };
}

/** Every name `h` reads for user `id` until Redis serves it again (the first read after an outage included). */
export async function namesUntilRedisServes(h: CacheHarness, id: number): Promise<string[]> {
  const names: string[] = [];
  await waitFor(
    'served from Redis again',
    async () => {
      const r = await h.cache.get(id);
      names.push(r.user.name);
      return r.source === 'redis';
    },
    20_000,
  );
  return names;
}

/** The rejection of `p`, failing the test when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<{ code?: string; statusCode?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; statusCode?: number; message: string };
  }
  throw new Error('expected a rejection');
}
