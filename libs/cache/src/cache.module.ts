import { type DynamicModule, Module } from '@nestjs/common';
import { UserCacheService } from './user-cache.service';

/**
 * The user cache. Imports nothing: it expects AppConfigModule, RedisModule and UsersModule
 * (all global) to be registered by the application.
 */
@Module({})
export class CacheModule {
  static forRoot(): DynamicModule {
    return { module: CacheModule, providers: [UserCacheService], exports: [UserCacheService] };
  }
}
