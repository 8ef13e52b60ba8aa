export * from './database-schema';
export * from './database-options';
export * from './database-errors';
export * from './database-connection.service';
export * from './database.module';
