import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@rrl/testing';
import mysql from 'mysql2/promise';

const run = promisify(execFile);
const SEED = path.resolve(__dirname, '../dist/seed.js');

describe('npm run seed (built CLI against a real MariaDB)', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db?.drop());

  const seed = (...args: string[]) =>
    run(process.execPath, [SEED, ...args], {
      env: {
        PATH: process.env.PATH,
        MYSQL_HOST: db.host,
        MYSQL_PORT: String(db.port),
        MYSQL_USER: db.user,
        MYSQL_PASSWORD: db.password,
        MYSQL_DATABASE: db.database,
      },
    });

  it('inserts N deterministic users in batches with progress, and a re-run adds nothing', async () => {
    const first = await seed('--count', '5000', '--batch', '1000');
    expect(first.stdout + first.stderr).toMatch(/5000\/5000 \(100\.0%\)/);
    expect(first.stdout + first.stderr).toMatch(/Done: 5000 inserted, 0 already present/);
    const conn = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
    });
    try {
      const [[count]] = (await conn.query('SELECT COUNT(*) AS n FROM users')) as unknown as [[{ n: number }]];
      expect(Number(count.n)).toBe(5000);
      const [[u7]] = (await conn.query("SELECT email FROM users WHERE email = 'user7@example.test'")) as unknown as [[{ email: string }]];
      expect(u7.email).toBe('user7@example.test');
    } finally {
      await conn.end();
    }
    const again = await seed('--count', '5000');
    expect(again.stdout + again.stderr).toMatch(/Done: 0 inserted, 5000 already present/);
  }, 60_000);

  it('rejects a bad count with a clear message', async () => {
    await expect(seed('--count', 'lots')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--count must be a positive integer'),
    });
  });
});
