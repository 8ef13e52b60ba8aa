import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { LOADTEST_HISTORY, LoadTestService, type LoadTestHistory } from './loadtest.service';

export interface LoadTestModuleOptions {
  /**
   * The app's CacheModule object (Nest shares a module imported twice by reference: the loop test
   * must measure the cache the HTTP routes use), and the module providing `history`.
   */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Where runs are stored (the app's run history); without one they are kept in memory only. */
  history?: Type<LoadTestHistory>;
}

/** The loop test. Expects AppConfigModule, RedisModule and UsersModule (global) in the application. */
@Module({})
export class LoadTestModule {
  static forRoot({ imports, history }: LoadTestModuleOptions): DynamicModule {
    return {
      module: LoadTestModule,
      imports,
      providers: [LoadTestService, ...(history ? [{ provide: LOADTEST_HISTORY, useExisting: history }] : [])],
      exports: [LoadTestService],
    };
  }
}
