import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@rrl/config';
import { DatabaseConnectionService } from './database-connection.service';
import { buildDataSourceOptions } from './database-options';
import type { DatabaseSchema } from './database-schema';

export interface DatabaseModuleOptions {
  /** The tables of every library the app composes (USERS_SCHEMA, HISTORY_SCHEMA). */
  schemas: readonly DatabaseSchema[];
}

/**
 * The app's one DataSource and its connection, global. Needs AppConfigModule. Boot never waits on
 * the database: TypeORM is told not to connect (manualInitialization) and DatabaseConnectionService
 * connects in the background, retrying until the server is there, then runs the migrations.
 */
@Module({})
export class DatabaseModule {
  static forRoot({ schemas }: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config, schemas), manualInitialization: true }),
        }),
      ],
      providers: [DatabaseConnectionService],
      exports: [DatabaseConnectionService],
    };
  }
}
