import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { redisAdminCommand } from './redis-command';

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
  private livePassword: string | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string | undefined,
    args: string[],
    binary: string,
  ) {
    super({ name: `redis-${port}`, command: binary, args, readyLine: /Ready to accept connections/ });
    this.livePassword = password;
  }

  /** The password the server asks for now: `password`, or what setPassword set until the next start. */
  get currentPassword(): string | undefined {
    return this.livePassword;
  }

  /**
   * Changes requirepass on the running server (CONFIG SET), as an operator rotating it would:
   * clients that still use the old one get WRONGPASS on their next AUTH. null removes it. Like a
   * real server without CONFIG REWRITE, the next start goes back to the startup password.
   */
  async setPassword(next: string | null): Promise<void> {
    await redisAdminCommand({ host: '127.0.0.1', port: this.port }, ['CONFIG', 'SET', 'requirepass', next ?? ''], { password: this.livePassword });
    this.livePassword = next ?? undefined;
  }

  override async start(): Promise<void> {
    const fresh = this.pid === null || this.state === 'exited'; // start() on a live server is a no-op
    await super.start();
    if (fresh) this.livePassword = this.password;
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
