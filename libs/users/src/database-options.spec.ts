import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@rrl/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database-options';

describe('buildDataSourceOptions', () => {
  it('puts the SQLite file under dataDir, creating the folder, and migrates it on connect', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-users-')), 'nested', 'data');
    const config = loadConfig({ env: {}, overrides: { dataDir, sqlite: { file: 'lab.sqlite' } } });
    const options = buildDataSourceOptions(config);
    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: path.join(dataDir, 'lab.sqlite'),
      synchronize: false,
      migrationsRun: true,
    });
    expect(fs.existsSync(dataDir)).toBe(true);
    const ds = await new DataSource(options).initialize();
    try {
      expect(await ds.query('SELECT COUNT(*) AS n FROM users')).toEqual([{ n: 0 }]);
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
    expect(buildDataSourceOptions(config)).toMatchObject({
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
