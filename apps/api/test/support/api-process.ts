import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, RedisServerProcess, waitFor } from '@rrl/testing';
import { labClient, type LabClient } from './lab-client';

const DIST = path.resolve(__dirname, '../../dist');

/** The built API (`npm start` runs the same file) as a child process: SIGKILL it to simulate a crash. */
export class ApiProcess {
  private child: ChildProcess | null = null;
  private output_ = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** HTTP calls to it, as to an in-process Lab (support/readers.ts takes either); with the operator token when it has one. */
  get client(): LabClient {
    const token = this.env.CHAOS_TOKEN;
    return labClient(this.url, token ? { authorization: `Bearer ${token}` } : {});
  }

  /** Everything it wrote to stdout and stderr (the last 20 000 characters). */
  get output(): string {
    return this.output_;
  }

  /** Recent output, for a failing test's message. */
  get log(): string {
    return this.output_.slice(-4000);
  }

  async start(): Promise<void> {
    const child = this.spawn();
    await waitFor(
      `API on ${this.port} ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${this.log}`);
        return (await fetch(`${this.url}/health/ready`).catch(() => null))?.status === 200;
      },
      60_000,
      100,
    );
  }

  /** For a boot that must fail: resolves with the exit code once all of the output is read. */
  runToExit(): Promise<number | null> {
    const child = this.spawn();
    return new Promise((resolve) => child.once('close', (code) => resolve(code)));
  }

  private spawn(): ChildProcess {
    const child = spawn(process.execPath, [path.join(DIST, 'main.js')], {
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => (this.output_ = (this.output_ + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return child;
  }

  /** A crash: no shutdown hook runs. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built CLI (the loop-test one unless `cli` names another); `onLine` sees each progress line as it is printed. */
export function runCli(args: string[], onLine?: (line: string) => void, cli = 'loadtest-cli.js'): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(DIST, cli), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const line of c.toString().split('\n')) if (line) onLine?.(line);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The built API on the embedded SQLite default in a temp folder, over a redis-server of its own. */
export interface BuiltApiOnRedis {
  api: ApiProcess;
  redis: RedisServerProcess;
  close(): Promise<void>;
}

export async function startBuiltApiOnRedis(name: string, env: Record<string, string>): Promise<BuiltApiOnRedis> {
  const redis = await RedisServerProcess.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `rrl-${name}-`));
  const api = new ApiProcess(await freePort(), {
    DATA_DIR: dataDir,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redis.port),
    SEED_ON_FIRST_START: 'false',
    ...env,
  });
  const close = async () => {
    await api.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await api.start();
  } catch (e) {
    await close();
    throw e;
  }
  return { api, redis, close };
}
