import type { MigrationInterface } from 'typeorm';

/**
 * One library's tables: its entities and the migrations that create them. Each library exports its
 * own (USERS_SCHEMA, HISTORY_SCHEMA); the app hands them to DatabaseModule.forRoot, which runs every
 * migration on the one DataSource (TypeORM orders them by the timestamp in their names).
 */
export interface DatabaseSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
}
