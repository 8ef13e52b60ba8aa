import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { SERVICES_PROCESS } from './global-setup';

/** Jest's global teardown: closing its stdin tells the services process to stop MariaDB and exit. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as Record<symbol, ChildProcess | undefined>)[SERVICES_PROCESS];
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin!.end();
  await exited;
}
