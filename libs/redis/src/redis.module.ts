import { type DynamicModule, Module } from '@nestjs/common';
import { RedisConnectionService } from './redis-connection.service';

/**
 * Global: one Redis connection per process. Needs AppConfigModule (APP_CONFIG) imported in the
 * root module. The service connects on module init and quits on application shutdown.
 */
@Module({})
export class RedisModule {
  static forRoot(): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [RedisConnectionService],
      exports: [RedisConnectionService],
    };
  }
}
