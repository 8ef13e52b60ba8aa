// The servers one Jest run shares, in a process of its own (started by global-setup.ts): Jest
// loads its global setup outside its module system, where the workspace libs' TypeScript sources
// do not resolve. Clears a killed run's leftovers, starts a MariaDB on a free port, prints
// {"mysqlPort":N,...} once it answers, and stops it when its stdin closes (the run ended, or Jest
// died) or on SIGTERM / SIGINT.
import fs from 'node:fs';
import { clearLeftovers } from '../leftovers';
import { MariaDbProcess } from '../mariadb.process';

export interface TestServices {
  mysqlPort: number;
  mysqlDataDir: string;
}

async function main(): Promise<void> {
  const cleared = await clearLeftovers();
  for (const { dir, killedPids } of cleared.folders) {
    const stopped = killedPids.length ? `, stopped pid ${killedPids.join(', ')}` : '';
    console.error(`test services: removed ${dir}, left by a killed run${stopped}`);
  }
  for (const name of cleared.containers) console.error(`test services: removed container ${name}, left by a killed run`);

  const mariadb = await MariaDbProcess.start();
  let stopping: Promise<void> | null = null;
  const stop = (): void => {
    stopping ??= mariadb.stop().then(() => {
      fs.rmSync(mariadb.dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.stdin.on('end', stop).resume();
  process.once('SIGTERM', stop).once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ mysqlPort: mariadb.port, mysqlDataDir: mariadb.dataDir } satisfies TestServices)}\n`);
}

main().catch((e: unknown) => {
  console.error('test services:', e);
  process.exit(1);
});
