import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InvalidationLog } from './invalidation-log';
import { PendingInvalidation } from './pending-invalidation.entity';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

/**
 * The users table behind UsersRepository, and the pending-invalidation log. Needs AppConfigModule
 * and DatabaseModule (libs/database) given USERS_SCHEMA, which creates these tables.
 */
@Module({})
export class UsersModule {
  static forRoot(): DynamicModule {
    return {
      module: UsersModule,
      global: true,
      imports: [TypeOrmModule.forFeature([User, PendingInvalidation])],
      providers: [UsersRepository, InvalidationLog],
      exports: [UsersRepository, InvalidationLog],
    };
  }
}
