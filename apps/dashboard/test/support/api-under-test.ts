import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig, type DeepPartial } from '@rrl/config';
import { freePort, waitFor, type RedisServerProcess, type TestDatabase } from '@rrl/testing';
import { createApp } from '../../../api/src/app.factory';
import { prepareLabRuntime } from '../../../api/src/embedded/lab-runtime';

export const CHAOS_TOKEN = 'dashboard-e2e-chaos-token';

/**
 * The real API (main.ts's factory) in this process, on a fixed port so it can be stopped and
 * started again at the same address, the way a browser sees an API restart. Its own redis-server
 * is a chaos target; the database is the test's own MariaDB database, seeded on first start.
 */
export class ApiUnderTest {
  private app: NestFastifyApplication | null = null;

  private constructor(
    readonly port: number,
    private readonly config: AppConfig,
    private readonly redis: RedisServerProcess,
  ) {}

  static async create(redis: RedisServerProcess, db: TestDatabase, demoUsers: number): Promise<ApiUnderTest> {
    const port = await freePort();
    const config = loadConfig({
      env: {},
      overrides: {
        port,
        host: '127.0.0.1',
        logging: { level: 'error', format: 'json' },
        shutdownGraceMs: 0,
        redis: {
          host: '127.0.0.1',
          port: redis.port,
          // Quicker than production so the outage fits a test, same shape (doubling, capped).
          connection: { retryDelay: 200, maxRetryDelay: 1000, heartbeatInterval: 250, heartbeatTimeout: 500 },
          resilience: { breaker: { halfOpenAfter: 1000 } },
        },
        mysql: { host: db.host, port: db.port, user: db.user, password: db.password, database: db.database },
        chaos: { token: CHAOS_TOKEN, probe: { readsPerSecond: 20, ids: 20 } },
        seed: { onFirstStart: true, users: demoUsers },
      } as DeepPartial<AppConfig>,
    });
    return new ApiUnderTest(port, config, redis);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const runtime = await prepareLabRuntime(this.config, [{ process: this.redis, kind: 'redis' }]);
    this.app = await createApp(runtime);
    await this.app.listen({ port: this.port, host: '127.0.0.1' });
    await waitFor('database connected', async () => (await fetch(`${this.url}/health/ready`)).status === 200, 30_000);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }
}
