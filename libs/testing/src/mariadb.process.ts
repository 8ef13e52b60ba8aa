import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, ManagedProcess, markOwner } from '@rrl/chaos';

const exec = promisify(execFile);

/** A throw-away MariaDB server (root, empty password) in a temp datadir on its own port. */
export class MariaDbProcess extends ManagedProcess {
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly socket: string,
  ) {
    super({
      name: `mariadb-${port}`,
      command: 'mariadbd',
      args: [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        `--socket=${socket}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        // utf8mb4 like Debian's configuration of a MariaDB server (--no-defaults alone gives latin1,
        // which cannot store a chaos report's "→": its history row would fail to save).
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
      ],
      readyLine: /ready for connections/,
      startTimeoutMs: 30_000,
    });
  }

  static async start(): Promise<MariaDbProcess> {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `rrl-mariadb-${port}-`));
    markOwner(dataDir); // a killed owner's server and folder are cleared by the next test run
    await exec('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    const p = new MariaDbProcess(port, dataDir, path.join(dataDir, 'mysqld.sock'));
    await p.start();
    return p;
  }
}
