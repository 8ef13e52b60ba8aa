import { DynamicModule, Module } from '@nestjs/common';
import { CacheModule } from '@rrl/cache';
import { ChaosModule } from '@rrl/chaos/nest';
import { AppConfigModule } from '@rrl/config';
import { DatabaseModule } from '@rrl/database';
import { HealthModule } from '@rrl/health';
import { HISTORY_SCHEMA, HistoryModule, LoadTestRunStore } from '@rrl/history';
import { LoadTestModule, LoadTestService } from '@rrl/loadtest';
import { RedisModule } from '@rrl/redis';
import { FirstStartSeeder, USERS_SCHEMA, UsersModule } from '@rrl/users';
import { CacheController } from './http/cache.controller';
import { ChaosController } from './http/chaos.controller';
import { LoadTestsController } from './http/loadtests.controller';
import { RedisController } from './http/redis.controller';
import { UsersController } from './http/users.controller';
import type { LabRuntime } from './embedded/lab-runtime';
import { LAB_RUNTIME, LabRuntimeShutdown } from './embedded/lab-runtime.provider';
import { LabAppUnderTest } from './chaos/lab-app-under-test';
import { createPinoLogger } from './logger';
import { ApiLogTap } from './live/api-log-tap';
import { LiveModule } from './live/live.module';
import { LoadTestFeedModule } from './live/loadtest-feed';
import type { LiveOptions } from './live/live.options';
import { MetricsModule } from './metrics/metrics.module';
import { PinoLoggerService } from './pino-logger.service';

/** Composes the libraries; holds no logic of its own. */
@Module({})
export class AppModule {
  static forRoot(runtime: LabRuntime, live?: Partial<LiveOptions>): DynamicModule {
    const { config } = runtime;
    // One CacheModule object: ChaosModule imports it by reference (for LabAppUnderTest), so both see the same cache.
    const cache = CacheModule.forRoot();
    const chaos = ChaosModule.forRoot({
      appUnderTest: LabAppUnderTest,
      imports: [cache],
      processes: runtime.targets,
      proxy: runtime.proxy,
    });
    const history = HistoryModule.forRoot({ chaosImports: [chaos], processes: runtime.targets });
    const loadtest = LoadTestModule.forRoot({ imports: [cache, history], history: LoadTestRunStore });
    const metrics = MetricsModule.forRoot([cache, chaos]);
    const apiLogTap = new ApiLogTap();
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot({ config }),
        RedisModule.forRoot(),
        // Each library owns its tables; the one DataSource runs all their migrations.
        DatabaseModule.forRoot({ schemas: [USERS_SCHEMA, HISTORY_SCHEMA] }),
        UsersModule.forRoot(),
        cache,
        chaos,
        history,
        loadtest,
        metrics,
        LiveModule.forRoot({ imports: [cache, chaos, metrics], apiLogTap, limits: live }),
        LoadTestFeedModule.forRoot(loadtest, LoadTestService),
        HealthModule.forRoot({ gracefulShutdownMs: config.shutdownGraceMs }),
      ],
      controllers: [UsersController, CacheController, RedisController, ChaosController, LoadTestsController],
      providers: [
        { provide: LAB_RUNTIME, useValue: runtime },
        LabRuntimeShutdown,
        FirstStartSeeder,
        { provide: PinoLoggerService, useValue: new PinoLoggerService(createPinoLogger(config, undefined, apiLogTap)) },
      ],
    };
  }
}
