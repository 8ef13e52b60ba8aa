import { sleep } from '@rrl/common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { setRequirePass } from '../redis-admin';
import { markOwner } from './process-owner';

export interface RedisServerOptions {
  port?: number;
  /** requirepass for the default user. */
  password?: string;
  /** Working dir; a new temp folder when omitted. */
  dir?: string;
  binary?: string;
  extraArgs?: string[];
  /**
   * Records the server's pid and port here on every start. A start that finds a live
   * redis-server recorded there (left behind when its owner died by SIGKILL and could not stop
   * it) stops that one first. For the embedded default's managed Redis.
   */
  pidFile?: string;
}

/** What a pid file records. */
interface PidRecord {
  pid: number;
  port: number;
}

/** The command line `ps` shows for pid (redis-server sets its title to "redis-server host:port"); null when it is gone. */
function processTitle(pid: number): string | null {
  try {
    const title = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    // A zombie (exited, not yet reaped by whoever adopted it) is gone for our purposes.
    return title && !title.includes('<defunct>') ? title : null;
  } catch {
    return null;
  }
}

/**
 * Stops the redis-server recorded in pidFile if it still runs. Checks the title names
 * redis-server on the recorded port, so a recycled pid of another program is never signalled.
 * Returns the pid it stopped.
 */
async function stopLeftover(pidFile: string): Promise<number | null> {
  let record: PidRecord;
  try {
    record = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    return null; // none, or unreadable: nothing to reap
  }
  const title = processTitle(record.pid);
  if (!title || !title.includes('redis-server') || !title.includes(`:${record.port}`)) return null;
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (processTitle(record.pid) !== null) {
    if (Date.now() > deadline) {
      process.kill(record.pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
  return record.pid;
}

/** A local redis-server on its own port and folder, nothing persisted. */
export class RedisServerProcess extends ManagedProcess {
  private livePassword: string | undefined;
  /** The pid of a leftover server the last start() stopped (see RedisServerOptions.pidFile). */
  reapedPid: number | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string | undefined,
    args: string[],
    binary: string,
    private readonly pidFile: string | undefined,
  ) {
    super({ name: `redis-${port}`, command: binary, args, readyLine: /Ready to accept connections/ });
    this.livePassword = password;
  }

  /**
   * Changes requirepass on the running server (CONFIG SET), as an operator rotating it would:
   * clients that still use the old one get WRONGPASS on their next AUTH. null removes it. Like a
   * real server without CONFIG REWRITE, the next start goes back to the startup password.
   */
  async setPassword(next: string | null): Promise<void> {
    await setRequirePass({ host: '127.0.0.1', port: this.port }, this.livePassword ?? null, next);
    this.livePassword = next ?? undefined;
  }

  override async start(): Promise<void> {
    const fresh = this.pid === null || this.state === 'exited'; // start() on a live server is a no-op
    if (fresh && this.pidFile) this.reapedPid = await stopLeftover(this.pidFile);
    await super.start();
    if (fresh) this.livePassword = this.password;
    if (fresh && this.pidFile && this.pid !== null) {
      fs.writeFileSync(this.pidFile, JSON.stringify({ pid: this.pid, port: this.port } satisfies PidRecord));
    }
  }

  static async create(opts: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const port = opts.port ?? (await freePort());
    let dir = opts.dir;
    if (dir) fs.mkdirSync(dir, { recursive: true });
    else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `rrl-redis-${port}-`));
      markOwner(dir); // a killed owner's server and folder are cleared by the next test run
    }
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ];
    if (opts.password) args.push('--requirepass', opts.password);
    args.push(...(opts.extraArgs ?? []));
    return new RedisServerProcess(port, dir, opts.password, args, opts.binary ?? 'redis-server', opts.pidFile);
  }

  static async start(opts: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const p = await RedisServerProcess.create(opts);
    await p.start();
    return p;
  }
}
