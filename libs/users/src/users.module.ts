import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@rrl/config';
import { DatabaseConnectionService } from './database-connection.service';
import { buildDataSourceOptions } from './database-options';
import { InvalidationLog } from './invalidation-log';
import { PendingInvalidation } from './pending-invalidation.entity';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

/**
 * The users table behind UsersRepository. Needs AppConfigModule. Boot never waits on the
 * database: TypeORM is told not to connect (manualInitialization) and DatabaseConnectionService
 * connects in the background, retrying until the server is there.
 */
@Module({})
export class UsersModule {
  static forRoot(): DynamicModule {
    return {
      module: UsersModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          // autoLoadEntities: other libraries' TypeOrmModule.forFeature entities (libs/history) join this DataSource.
          useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config), manualInitialization: true, autoLoadEntities: true }),
        }),
        TypeOrmModule.forFeature([User, PendingInvalidation]),
      ],
      providers: [DatabaseConnectionService, UsersRepository, InvalidationLog],
      exports: [DatabaseConnectionService, UsersRepository, InvalidationLog],
    };
  }
}
