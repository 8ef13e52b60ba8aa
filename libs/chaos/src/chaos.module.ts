import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ChaosAccess } from './chaos-access';
import { CHAOS_OPTIONS, ChaosService, type ChaosModuleOptions } from './chaos.service';

export interface ChaosModuleRootOptions extends ChaosModuleOptions {
  /**
   * The module providing UserCacheService: pass the app's own CacheModule object (Nest shares a
   * module imported twice by reference; a second CacheModule.forRoot() would be a second cache).
   */
  imports: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Fault injection on the app's own stores: both drivers, the scenario runner and the token check.
 * Expects AppConfigModule, RedisModule and UsersModule (global) in the application.
 */
@Module({})
export class ChaosModule {
  static forRoot({ imports, ...options }: ChaosModuleRootOptions): DynamicModule {
    return {
      module: ChaosModule,
      imports,
      providers: [{ provide: CHAOS_OPTIONS, useValue: options }, ChaosService, ChaosAccess],
      exports: [ChaosService, ChaosAccess],
    };
  }
}
