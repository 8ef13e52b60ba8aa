import { type DynamicModule, Module } from '@nestjs/common';
import { PendingInvalidationsService } from './pending-invalidations.service';
import { RedisCacheRepository } from './redis-cache.repository';
import { UserCacheService } from './user-cache.service';

/**
 * The user cache. Imports nothing: it expects AppConfigModule, RedisModule and UsersModule
 * (all global) to be registered by the application.
 */
@Module({})
export class CacheModule {
  static forRoot(): DynamicModule {
    return {
      module: CacheModule,
      providers: [RedisCacheRepository, PendingInvalidationsService, UserCacheService],
      exports: [UserCacheService],
    };
  }
}
