import { CappedBuffer, sleep, withTimeout } from '@rrl/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { LogLine } from '@rrl/contracts';

export type ProcessState = 'stopped' | 'starting' | 'running' | 'paused' | 'exited';

export interface ManagedProcessOptions {
  /** Stable name used as the chaos target id, e.g. "redis-6390". */
  name: string;
  command: string;
  args: string[];
  /** Log line that means the process is ready to serve. */
  readyLine: RegExp;
  startTimeoutMs?: number;
  /** Lines of output kept for GET /logs. */
  logCapacity?: number;
}

/**
 * A local server process the lab controls: start, SIGKILL, SIGTERM, SIGSTOP/SIGCONT, restart
 * with the same command line (so the same port and config), and a bounded log tail.
 * Written by hand because it is a thin layer over child_process signals; execa and friends add
 * nothing here and are ESM-only.
 */
export class ManagedProcess extends EventEmitter<{ log: [LogLine]; state: [ProcessState] }> {
  private child: ChildProcess | null = null;
  private readonly logs: CappedBuffer<LogLine>;
  private _state: ProcessState = 'stopped';
  private exitWaiters: Array<() => void> = [];

  constructor(readonly options: ManagedProcessOptions) {
    super();
    this.logs = new CappedBuffer(options.logCapacity ?? 1000);
  }

  get state(): ProcessState {
    return this._state;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  recentLogs(limit = 200): LogLine[] {
    return this.logs.last(limit);
  }

  async start(): Promise<void> {
    if (this.child && this._state !== 'exited') return;
    const { command, args, readyLine, startTimeoutMs = 15_000 } = this.options;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.setState('starting');
    let cleanup = (): void => undefined;
    const started = new Promise<void>((resolve, reject) => {
      const onLog = (l: LogLine) => {
        if (readyLine.test(l.line)) done();
      };
      const onExit = () =>
        fail(
          new Error(
            `${this.options.name} exited during start: ${this.recentLogs(5)
              .map((l) => l.line)
              .join(' | ')}`,
          ),
        );
      // spawn reports a missing binary (ENOENT) through 'error', not 'exit'.
      const onError = (e: Error) => fail(e);
      cleanup = () => {
        this.off('log', onLog);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const done = () => (cleanup(), resolve());
      const fail = (e: Error) => (cleanup(), reject(e));
      this.on('log', onLog);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    const ready = withTimeout(
      started,
      startTimeoutMs,
      this.options.name,
      () => new Error(`${this.options.name}: not ready after ${startTimeoutMs} ms`),
    ).finally(() => cleanup());
    for (const stream of ['stdout', 'stderr'] as const) {
      let buf = '';
      child[stream].setEncoding('utf8').on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.pushLog({ at: new Date().toISOString(), stream, line });
      });
    }
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.setState('exited');
      }
      this.exitWaiters.splice(0).forEach((w) => w());
    });
    try {
      await ready;
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    this.setState('running');
  }

  /** SIGKILL: a crash, nothing flushed. */
  kill(): Promise<void> {
    return this.signalAndWait('SIGKILL');
  }

  /** SIGTERM: a clean stop. Idempotent. */
  stop(): Promise<void> {
    return this.signalAndWait('SIGTERM');
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing (what TCP keepalive misses). */
  pause(): void {
    if (this.child && this._state === 'running') {
      this.child.kill('SIGSTOP');
      this.setState('paused');
    }
  }

  unpause(): void {
    if (this.child && this._state === 'paused') {
      this.child.kill('SIGCONT');
      this.setState('running');
    }
  }

  async restart(downtimeMs = 0): Promise<void> {
    await this.stop();
    if (downtimeMs > 0) await sleep(downtimeMs);
    await this.start();
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => this.exitWaiters.push(r));
    if (this._state === 'paused' && signal !== 'SIGKILL') child.kill('SIGCONT');
    child.kill(signal);
    await exited;
    this.setState(signal === 'SIGKILL' ? 'exited' : 'stopped');
  }

  private pushLog(l: LogLine): void {
    this.logs.push(l);
    this.emit('log', l);
  }

  private setState(s: ProcessState): void {
    if (s === this._state) return;
    this._state = s;
    this.emit('state', s);
  }
}
