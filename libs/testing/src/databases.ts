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

/**
 * The default server's port: the machine's shared MariaDB on 3306, unless the run brought its own
 * (RRL_TEST_MYSQL_PORT, set by scripts/test-stress.sh: other engineers' runs on a shared machine
 * can use up the shared server's connections, which is not the load that run is about).
 */
const DEFAULT_PORT = Number(process.env.RRL_TEST_MYSQL_PORT || 3306);

/**
 * A fresh, uniquely named database on a MariaDB/MySQL server (by default the shared one on
 * 127.0.0.1, which tests must never stop or reconfigure). Dropped by drop().
 */
export async function createTestDatabase(
  server: { host?: string; port?: number; user?: string; password?: string } = {},
): Promise<TestDatabase> {
  const host = server.host ?? '127.0.0.1';
  const port = server.port ?? DEFAULT_PORT;
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
