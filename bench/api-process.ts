/** The built API as `npm start` runs it (`node apps/api/dist/main.js`), in its own process, for the benches that measure it from outside. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@rrl/chaos';
import { sleep } from '@rrl/common';

export interface ApiProcess {
  child: ChildProcess;
  base: string;
}

export interface ApiProcessOptions {
  /** Data folder; the config file and api.log are written here. */
  dir: string;
  /** Environment on top of this process's (REDIS_*, MYSQL_*...). */
  env: Record<string, string>;
  /** The config file's contents (CONFIG_FILE). */
  config?: Record<string, unknown>;
  /** Node flags before the script (V8 options, --cpu-prof...). */
  nodeArgs?: string[];
}

/** Starts the API on a free port and resolves once /health/ready answers 200 (60 s at most). */
export async function startApi({ dir, env, config = {}, nodeArgs = [] }: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const configFile = path.join(dir, 'bench.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const log = fs.openSync(path.join(dir, 'api.log'), 'a');
  const child = spawn(process.execPath, [...nodeArgs, 'apps/api/dist/main.js'], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, CONFIG_FILE: configFile, LOG_FORMAT: 'json' },
    stdio: ['ignore', log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited (${child.exitCode}); see ${dir}/api.log`);
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, base };
    if (Date.now() > deadline) throw new Error(`API not ready within 60 s; see ${dir}/api.log`);
    await sleep(250);
  }
}

/** SIGTERM, and resolves once the process has exited (at once if it already had). */
export async function stopApi(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
