import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export interface TestDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  drop(): Promise<void>;
}

/** The port of the run's own MariaDB, which Jest's global setup starts (jest/global-setup.ts). */
function runMariaDbPort(): number {
  const port = Number(process.env.RRL_TEST_MYSQL_PORT);
  if (!port) {
    throw new Error(
      'No test MariaDB: Jest starts one in its global setup (libs/testing/src/jest) and exports RRL_TEST_MYSQL_PORT; outside Jest, pass a server.',
    );
  }
  return port;
}

/**
 * A fresh, uniquely named database on a MariaDB/MySQL server (by default the one this Jest run
 * started for itself). Dropped by drop(); a killed run's go with its server's temp folder.
 */
export async function createTestDatabase(
  server: { host?: string; port?: number; user?: string; password?: string } = {},
): Promise<TestDatabase> {
  const host = server.host ?? '127.0.0.1';
  const port = server.port ?? runMariaDbPort();
  const user = server.user ?? 'root';
  const password = server.password ?? '';
  const database = `rrl_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const conn = await mysql.createConnection({ host, port, user, password });
  try {
    await conn.query(`CREATE DATABASE \`${database}\``);
  } finally {
    await conn.end();
  }
  return {
    host,
    port,
    user,
    password,
    database,
    async drop() {
      const c = await mysql.createConnection({ host, port, user, password });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await c.end();
      }
    },
  };
}
