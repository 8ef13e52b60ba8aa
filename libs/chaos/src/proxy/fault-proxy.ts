import { EventEmitter } from 'node:events';
import net from 'node:net';
import { AppError, ERROR_CODES, type ChaosEndpoint, type FaultProxyStats, type Toxic } from '@rrl/contracts';
import { ProxyConnection } from './proxy-connection';

export interface FaultProxyOptions {
  /** 0 (default): any free port; the chosen one is kept when the listener is closed and reopened. */
  listenPort?: number;
  /** Default 127.0.0.1: the proxy is for this host's API, not the network. */
  listenHost?: string;
  upstream: ChaosEndpoint;
}

export interface ToxicsChange {
  action: 'set' | 'removed';
  /** The toxic set or removed. */
  name?: string;
  toxics: Toxic[];
}

export interface FaultProxyEvents {
  toxics: [ToxicsChange];
  /** The listener opened (true) or closed by a "down" toxic (false). */
  listening: [boolean];
  connection: [{ open: number; total: number }];
}

function validate(t: Toxic): void {
  const bad = (problem: string) => new AppError(ERROR_CODES.VALIDATION_FAILED, `toxic '${t.name}': ${problem}`);
  if (!t.name) throw new AppError(ERROR_CODES.VALIDATION_FAILED, 'a toxic needs a name');
  if (t.type === 'latency' && !(t.latencyMs >= 0 && (t.jitterMs ?? 0) >= 0)) throw bad('latencyMs and jitterMs must be >= 0');
  if (t.type === 'bandwidth' && !(t.bytesPerSecond > 0)) throw bad('bytesPerSecond must be > 0');
  if (!['latency', 'blackhole', 'reset_peer', 'bandwidth', 'down'].includes(t.type))
    throw bad(`unknown type '${(t as { type: string }).type}'`);
}

/**
 * A TCP proxy between the API and Redis that injects network faults with Toxiproxy's semantics
 * (latency, blackhole, reset_peer, bandwidth, down). Hand-written on node:net because
 * Toxiproxy's server cannot be installed here and no Node package ships one; it is kept to what
 * the lab's scenarios need.
 */
export class FaultProxy extends EventEmitter<FaultProxyEvents> {
  private server: net.Server | null = null;
  private readonly connections = new Set<ProxyConnection>();
  private readonly toxics = new Map<string, Toxic>();
  private readonly counters = { connectionsTotal: 0, bytesUpstream: 0, bytesDownstream: 0 };
  private _port: number;
  private stopped = false;

  private constructor(private readonly options: FaultProxyOptions) {
    super();
    this._port = options.listenPort ?? 0;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this._port;
  }

  get host(): string {
    return this.options.listenHost ?? '127.0.0.1';
  }

  get upstream(): ChaosEndpoint {
    return { ...this.options.upstream };
  }

  listToxics(): Toxic[] {
    return [...this.toxics.values()].map((t) => ({ ...t }));
  }

  /** Adds a toxic, or replaces the one with the same name. Applies to open connections too. */
  async setToxic(toxic: Toxic): Promise<void> {
    validate(toxic);
    this.toxics.set(toxic.name, { ...toxic });
    if (toxic.type === 'reset_peer') this.connections.forEach((c) => c.reset());
    if (toxic.type === 'down') await this.unlisten();
    this.emit('toxics', { action: 'set', name: toxic.name, toxics: this.listToxics() });
  }

  /** Returns false when no toxic has that name. */
  async removeToxic(name: string): Promise<boolean> {
    if (!this.toxics.delete(name)) return false;
    await this.listenUnlessDown();
    this.emit('toxics', { action: 'removed', name, toxics: this.listToxics() });
    return true;
  }

  stats(): FaultProxyStats {
    return {
      listening: this.server !== null,
      port: this._port,
      upstream: this.upstream,
      ...this.counters,
      connectionsOpen: this.connections.size,
      toxics: this.listToxics(),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten();
  }

  private has(type: Toxic['type']): boolean {
    return [...this.toxics.values()].some((t) => t.type === type);
  }

  private async listenUnlessDown(): Promise<void> {
    if (!this.has('down') && !this.stopped && !this.server) await this.listen();
  }

  private listen(): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, this.host, () => {
        server.off('error', reject);
        this._port = (server.address() as net.AddressInfo).port;
        this.server = server;
        this.emit('listening', true);
        resolve();
      });
    });
  }

  /** Closes the listener (connects now get ECONNREFUSED) and every open connection. */
  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.connections.forEach((c) => c.close());
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.emit('listening', false);
  }

  private accept(socket: net.Socket): void {
    if (this.has('reset_peer')) return void socket.on('error', () => undefined).resetAndDestroy();
    this.counters.connectionsTotal++;
    const connection = new ProxyConnection(
      socket,
      this.options.upstream,
      () => [...this.toxics.values()],
      {
        onUpstreamBytes: (n) => (this.counters.bytesUpstream += n),
        onDownstreamBytes: (n) => (this.counters.bytesDownstream += n),
      },
      (c) => this.connections.delete(c) && this.emit('connection', { open: this.connections.size, total: this.counters.connectionsTotal }),
    );
    this.connections.add(connection);
    this.emit('connection', { open: this.connections.size, total: this.counters.connectionsTotal });
  }
}
