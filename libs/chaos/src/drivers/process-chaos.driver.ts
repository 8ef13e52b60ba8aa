import { AppError, ERROR_CODES, type ChaosEndpoint, type ChaosTarget, type ChaosTargetKind, type LogLine } from '@rrl/contracts';
import { RedisServerProcess, type ManagedProcess } from '../process';
import { notRunning, targetNotFound, type ChaosDriver, type LogFollower, type RedisAuthChaos } from './chaos-driver';

export interface RegisterOptions {
  /** Where clients reach it; defaults to 127.0.0.1 and the process's `port` when it has one. */
  endpoint?: ChaosEndpoint;
  labels?: Record<string, string>;
}

interface Registered {
  process: ManagedProcess;
  kind: ChaosTargetKind;
  endpoint?: ChaosEndpoint;
  labels: Record<string, string>;
}

/**
 * Chaos on local server processes started by the lab (ManagedProcess): kill = SIGKILL,
 * stop = SIGTERM, pause = SIGSTOP, unpause = SIGCONT; restart reuses the same command line, so
 * the same port and config. Only registered processes can be targeted; the id is the process name.
 */
export class ProcessChaosDriver implements ChaosDriver, RedisAuthChaos {
  readonly name = 'process' as const;
  private readonly targets = new Map<string, Registered>();

  register(process: ManagedProcess, kind: ChaosTargetKind, options: RegisterOptions = {}): ChaosTarget {
    const port = (process as ManagedProcess & { port?: unknown }).port;
    const endpoint = options.endpoint ?? (typeof port === 'number' ? { host: '127.0.0.1', port } : undefined);
    this.targets.set(process.options.name, { process, kind, endpoint, labels: options.labels ?? {} });
    return this.toTarget(process.options.name);
  }

  async list(): Promise<ChaosTarget[]> {
    return [...this.targets.keys()].map((id) => this.toTarget(id));
  }

  async inspect(id: string): Promise<ChaosTarget> {
    return this.toTarget(id);
  }

  async kill(id: string): Promise<void> {
    await this.get(id).process.kill();
  }

  async stop(id: string): Promise<void> {
    await this.get(id).process.stop();
  }

  async start(id: string): Promise<void> {
    const { process } = this.get(id);
    if (process.state === 'paused') return process.unpause();
    await process.start();
  }

  async restart(id: string, downtimeMs: number): Promise<void> {
    await this.get(id).process.restart(downtimeMs);
  }

  async pause(id: string): Promise<void> {
    const { process } = this.get(id);
    if (process.state !== 'running' && process.state !== 'paused') throw notRunning(this.toTarget(id), 'pause');
    process.pause();
  }

  async unpause(id: string): Promise<void> {
    this.get(id).process.unpause();
  }

  async logs(id: string, tail: number): Promise<LogLine[]> {
    return this.get(id).process.recentLogs(tail);
  }

  /**
   * The process object outlives its child processes, so one listener sees every run. Throws at
   * once for an unknown id; nothing can fail later, so there is no onError.
   */
  followLogs(id: string, onLine: (l: LogLine) => void): LogFollower {
    const { process } = this.get(id);
    process.on('log', onLine);
    return { ready: Promise.resolve(), close: () => process.off('log', onLine) };
  }

  async setRedisPassword(id: string, next: string | null): Promise<void> {
    const { process } = this.get(id);
    if (!(process instanceof RedisServerProcess)) throw new AppError(ERROR_CODES.CONFLICT, `'${id}' is not a redis-server process`);
    if (process.state !== 'running') throw notRunning(this.toTarget(id), 'change the password of');
    await process.setPassword(next);
  }

  private get(id: string): Registered {
    const t = this.targets.get(id);
    if (!t) throw targetNotFound(id, 'process');
    return t;
  }

  private toTarget(id: string): ChaosTarget {
    const { process, kind, endpoint, labels } = this.get(id);
    return { id, name: id, kind, driver: 'process', state: process.state, ...(endpoint ? { endpoint } : {}), labels };
  }
}
