import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { TestServices } from './test-services.main';

/** Where global-teardown.ts finds the services process (Jest runs both hooks in one process). */
export const SERVICES_PROCESS = Symbol.for('rrl.test-services');

/**
 * Jest's global setup: one MariaDB for the whole run (each test file creates and drops its own
 * database in it, see createTestDatabase), after clearing what a killed run left behind. Its port
 * reaches the test workers through the environment they inherit.
 */
export default async function globalSetup(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--conditions=@rrl/source', '-r', 'esbuild-register', path.join(__dirname, 'test-services.main.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  (globalThis as Record<symbol, ChildProcess>)[SERVICES_PROCESS] = child;
  const services = await new Promise<TestServices>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the test services process exited (${code}) before MariaDB was ready; its error is above`)),
    );
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as TestServices));
  });
  process.env.RRL_TEST_MYSQL_PORT = String(services.mysqlPort);
}
