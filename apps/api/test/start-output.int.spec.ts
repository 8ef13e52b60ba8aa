import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiErrorBody } from '@rrl/contracts';
import { freePort, RedisServerProcess, waitFor } from '@rrl/testing';

/** How long the built main.js may take to say it listens (see start()). */
const BOOT_BUDGET_MS = 90_000;
const MAIN = path.resolve(__dirname, '../dist/main.js');
// eslint-disable-next-line no-control-regex -- the colour codes pino-pretty writes to a terminal
const ANSI = /\u001b\[[0-9;]*m/g;

interface Started {
  port: number;
  /** Everything written so far, colours and carriage returns removed. */
  output(): string;
  /** stdout alone (the pipe case; a terminal merges both streams). */
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * The built main.js the way `npm start` runs it, on SQLite and the test's redis-server; on a
 * terminal (a pseudo-terminal from util-linux `script`) or with stdout a pipe.
 */
async function start(redisPort: number, opts: { tty: boolean; env?: Record<string, string> }): Promise<Started> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-output-'));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ shutdownGraceMs: 0 }));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    CONFIG_FILE: configFile,
    DATA_DIR: dir,
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redisPort),
    ...opts.env,
  };
  const proc = opts.tty
    ? spawn('script', ['-qfec', `exec "${process.execPath}" "${MAIN}"`, path.join(dir, 'typescript')], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => ((out += d.toString()), (stdout += d.toString())));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const clean = (s: string) => s.replace(ANSI, '').replace(/\r/g, '');
  const started: Started = {
    port,
    output: () => clean(out),
    stdout: () => clean(stdout),
    async stop() {
      proc.kill('SIGTERM'); // script passes it on to the API
      await exited;
    },
  };
  try {
    // A boot takes a second or two idle; on a machine at load 30 (2 cores shared by many runs) one
    // printed nothing for 30 s, so the budget is the boot's on such a machine, not its speed.
    await waitFor('listening', () => /Listening on http/.test(started.output()), BOOT_BUDGET_MS);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${String(e)}; output so far:\n${started.output()}`, { cause: e });
  }
  return started;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('npm start output: readable on a terminal, JSON otherwise; chaos off without a token, saying how to enable it', () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    expect(fs.existsSync(MAIN)).toBe(true);
    redis = await RedisServerProcess.start();
  });
  afterAll(() => redis?.stop());

  it(
    'on a terminal: one readable line per event, and the chaos API is off with a line saying how to enable it',
    async () => {
      const api = await start(redis.port, { tty: true });
      let output: string;
      try {
        await waitFor('chaos line', () => /Chaos API/.test(api.output()), 10_000);
        const denied = await fetch(`http://127.0.0.1:${api.port}/api/chaos/targets`, { headers: { authorization: 'Bearer change-me' } });
        expect(denied.status).toBe(403);
        expect(((await denied.json()) as ApiErrorBody).code).toBe('CHAOS_DISABLED');
        output = api.output(); // before the stop, which script reports in its own words
      } finally {
        await api.stop();
      }
      expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Bootstrap\] Listening on http:\/\/127\.0\.0\.1:\d+ /m);
      expect(output).toMatch(
        /^\[[\d:.]+\] WARN: \[Bootstrap\] Chaos API disabled: no CHAOS_TOKEN set\. To enable it, set CHAOS_TOKEN \(config chaos\.token\)/m,
      );
      expect(lines(output).filter((l) => l.startsWith('{'))).toEqual([]);
    },
    2 * BOOT_BUDGET_MS,
  );

  it(
    'through a pipe: JSON lines; LOG_FORMAT=json forces them on a terminal; a CHAOS_TOKEN turns chaos on without the warning',
    async () => {
      const piped = await start(redis.port, { tty: false });
      await waitFor('chaos line', () => /Chaos API/.test(piped.output()), 10_000);
      await piped.stop();
      const records = lines(piped.stdout()).map((l) => JSON.parse(l) as { level: number; msg: string; context?: string });
      expect(records).toContainEqual(
        expect.objectContaining({ level: 30, context: 'Bootstrap', msg: expect.stringMatching(/^Listening on/) }),
      );
      expect(records).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/^Chaos API disabled/) }));

      const forced = await start(redis.port, { tty: true, env: { LOG_FORMAT: 'json', CHAOS_TOKEN: 'a-secret-of-my-own' } });
      let output: string;
      try {
        const ok = await fetch(`http://127.0.0.1:${forced.port}/api/chaos/targets`, {
          headers: { authorization: 'Bearer a-secret-of-my-own' },
        });
        expect(ok.status).toBe(200);
        output = forced.output();
      } finally {
        await forced.stop();
      }
      expect(lines(output).length).toBeGreaterThan(5);
      expect(lines(output).filter((l) => !l.startsWith('{'))).toEqual([]);
      expect(output).not.toMatch(/Chaos API disabled/);
    },
    4 * BOOT_BUDGET_MS,
  );
});
