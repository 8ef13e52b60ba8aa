import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';

export interface RedisServerOptions {
  port?: number;
  /** requirepass for the default user. */
  password?: string;
  /** Working dir; a new temp folder when omitted. */
  dir?: string;
  binary?: string;
  extraArgs?: string[];
}

/** A local redis-server on its own port and folder, nothing persisted. */
export class RedisServerProcess extends ManagedProcess {
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string | undefined,
    args: string[],
    binary: string,
  ) {
    super({ name: `redis-${port}`, command: binary, args, readyLine: /Ready to accept connections/ });
  }

  static async create(opts: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const port = opts.port ?? (await freePort());
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `rrl-redis-${port}-`));
    fs.mkdirSync(dir, { recursive: true });
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
    if (opts.password) args.push('--requirepass', opts.password);
    args.push(...(opts.extraArgs ?? []));
    return new RedisServerProcess(port, dir, opts.password, args, opts.binary ?? 'redis-server');
  }

  static async start(opts: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const p = await RedisServerProcess.create(opts);
    await p.start();
    return p;
  }
}
