import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '@rrl/config';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseSchema } from './database-schema';
import { TypeOrmNestLogger } from './typeorm-nest.logger';

export function sqliteFile(config: AppConfig): string {
  return config.sqlite.file === ':memory:' ? ':memory:' : path.resolve(config.dataDir, config.sqlite.file);
}

/**
 * TypeORM options for the configured driver, with the tables of every library in `schemas`: the
 * schema comes from their migrations only, run at connect. Creates the SQLite folder; never connects.
 */
export function buildDataSourceOptions(config: AppConfig, schemas: readonly DatabaseSchema[]): DataSourceOptions {
  const common = {
    entities: schemas.flatMap((s) => s.entities),
    migrations: schemas.flatMap((s) => s.migrations),
    migrationsRun: true,
    synchronize: false,
    logger: new TypeOrmNestLogger(),
  } satisfies Partial<DataSourceOptions>;
  if (config.databaseDriver === 'sqlite') {
    const database = sqliteFile(config);
    if (database !== ':memory:') fs.mkdirSync(path.dirname(database), { recursive: true });
    // WAL lets the read path go on while a seed batch is being written.
    return { ...common, type: 'better-sqlite3', database, enableWAL: database !== ':memory:' };
  }
  const { host, port, database, user, password, connectTimeout, queryTimeout, poolSize } = config.mysql;
  return {
    ...common,
    type: 'mysql',
    host: host ?? '127.0.0.1',
    port,
    database,
    username: user,
    password,
    charset: 'utf8mb4',
    // A dead or paused server fails the TCP/handshake step after this long instead of the OS default (~2 min).
    connectTimeout,
    poolSize,
    // mysql2 abandons (and destroys) a connection whose query runs past mysql.queryTimeout, so a
    // paused server cannot pin the whole pool; UsersRepository also races each call against it.
    enableQueryTimeout: true,
    maxQueryExecutionTime: queryTimeout,
    extra: {
      // Detect a peer that vanished without FIN on idle pooled connections.
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
      // Requests beyond the pool wait in mysql2's queue; the repository's timeout bounds that wait.
      waitForConnections: true,
    },
  };
}
