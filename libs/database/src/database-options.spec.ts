import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@rrl/config';
import { DataSource, Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { buildDataSourceOptions } from './database-options';
import type { DatabaseSchema } from './database-schema';

/** Two libraries' tables, as each hands them over: one migration each, listed newest first. */
class CreateFirst1700000000000 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.createTable(new Table({ name: 'first', columns: [{ name: 'id', type: 'integer', isPrimary: true }] }));
  }
  async down(q: QueryRunner) {
    await q.dropTable('first');
  }
}
class CreateSecond1700000001000 implements MigrationInterface {
  async up(q: QueryRunner) {
    // Needs the first library's table: runs after it only because migrations run in timestamp order.
    await q.query('INSERT INTO first (id) VALUES (1)');
    await q.createTable(new Table({ name: 'second', columns: [{ name: 'id', type: 'integer', isPrimary: true }] }));
  }
  async down(q: QueryRunner) {
    await q.dropTable('second');
  }
}
const schemas: DatabaseSchema[] = [
  { entities: [], migrations: [CreateSecond1700000001000] },
  { entities: [], migrations: [CreateFirst1700000000000] },
];

describe('buildDataSourceOptions', () => {
  it("puts the SQLite file under dataDir, creating the folder, and runs every library's migrations, oldest first, on connect", async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-database-')), 'nested', 'data');
    const config = loadConfig({ env: {}, overrides: { dataDir, sqlite: { file: 'lab.sqlite' } } });
    const options = buildDataSourceOptions(config, schemas);
    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: path.join(dataDir, 'lab.sqlite'),
      synchronize: false,
      migrationsRun: true,
    });
    expect(fs.existsSync(dataDir)).toBe(true);
    const ds = await new DataSource(options).initialize();
    try {
      expect(await ds.query('SELECT COUNT(*) AS n FROM first')).toEqual([{ n: 1 }]);
      expect(await ds.query('SELECT COUNT(*) AS n FROM second')).toEqual([{ n: 0 }]);
    } finally {
      await ds.destroy();
      fs.rmSync(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
    }
  });

  it('maps the mysql section to mysql2 options with the connect and query timeouts', () => {
    const config = loadConfig({
      env: {},
      overrides: {
        mysql: {
          host: 'db.internal',
          port: 3307,
          database: 'lab',
          user: 'app',
          password: 's3cret',
          connectTimeout: 1500,
          queryTimeout: 900,
          poolSize: 4,
        },
      },
    });
    expect(config.databaseDriver).toBe('mysql');
    expect(buildDataSourceOptions(config, schemas)).toMatchObject({
      type: 'mysql',
      host: 'db.internal',
      port: 3307,
      database: 'lab',
      username: 'app',
      password: 's3cret',
      connectTimeout: 1500,
      poolSize: 4,
      enableQueryTimeout: true,
      maxQueryExecutionTime: 900,
    });
  });
});
