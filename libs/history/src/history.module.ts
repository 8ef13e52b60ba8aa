import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ChaosModuleOptions } from '@rrl/chaos/nest';
import { CHAOS_ARCHIVE_PROCESSES, ChaosRunArchive } from './chaos-run-archive';
import { ChaosRunStore } from './chaos-run.store';
import { LoadTestRunStore } from './loadtest-run.store';
import { ChaosRunRecord, LoadTestRunRecord } from './stored-run.entity';

export interface HistoryModuleOptions {
  /** The app's ChaosModule object (shared by reference), whose runs are archived. */
  chaosImports: NonNullable<ModuleMetadata['imports']>;
  /** The local processes ChaosModule was given: targets an interrupted run may have left broken. */
  processes: ChaosModuleOptions['processes'];
}

/**
 * Run history in the app's database. Expects AppConfigModule and UsersModule (global; its
 * DataSource loads these entities through autoLoadEntities, its migrations create the tables).
 */
@Module({})
export class HistoryModule {
  static forRoot({ chaosImports, processes }: HistoryModuleOptions): DynamicModule {
    return {
      module: HistoryModule,
      imports: [TypeOrmModule.forFeature([LoadTestRunRecord, ChaosRunRecord]), ...chaosImports],
      providers: [{ provide: CHAOS_ARCHIVE_PROCESSES, useValue: processes }, LoadTestRunStore, ChaosRunStore, ChaosRunArchive],
      exports: [LoadTestRunStore, ChaosRunArchive],
    };
  }
}
