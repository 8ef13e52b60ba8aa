import { DynamicModule, Module } from '@nestjs/common';
import { CacheModule } from '@rrl/cache';
import { AppConfigModule, type AppConfig } from '@rrl/config';
import { HealthModule } from '@rrl/health';
import { RedisModule } from '@rrl/redis';
import { UsersModule } from '@rrl/users';
import { LoggerModule } from 'nestjs-pino';
import { CacheController } from './http/cache.controller';
import { RedisController } from './http/redis.controller';
import { UsersController } from './http/users.controller';
import { EMBEDDED_PROCESSES, EmbeddedProcessesShutdown } from './embedded/embedded-processes';
import { loggerParams } from './logger';
import type { ManagedProcess } from '@rrl/chaos';

/** Composes the libraries; holds no logic of its own. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, embedded: ManagedProcess[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot({ config }),
        LoggerModule.forRoot(loggerParams(config)),
        RedisModule.forRoot(),
        UsersModule.forRoot(),
        CacheModule.forRoot(),
        HealthModule.forRoot({ gracefulShutdownMs: config.shutdownGraceMs }),
      ],
      controllers: [UsersController, CacheController, RedisController],
      providers: [{ provide: EMBEDDED_PROCESSES, useValue: embedded }, EmbeddedProcessesShutdown],
    };
  }
}
