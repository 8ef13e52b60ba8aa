import net from 'node:net';
import type { ChaosEndpoint, Toxic } from '@rrl/contracts';
import { ToxicPipe } from './toxic-pipe';

export interface ConnectionCounters {
  onUpstreamBytes: (n: number) => void;
  onDownstreamBytes: (n: number) => void;
}

/** A client socket, its upstream socket and the two toxic pipes between them. */
export class ProxyConnection {
  private readonly upstream: net.Socket;
  private readonly pipes: ToxicPipe[];
  private closed = false;

  constructor(
    private readonly client: net.Socket,
    target: ChaosEndpoint,
    toxics: () => Toxic[],
    counters: ConnectionCounters,
    private readonly onClose: (c: ProxyConnection) => void,
  ) {
    // allowHalfOpen: a client's FIN must not cut off replies still held back by a toxic.
    this.upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    this.pipes = [
      new ToxicPipe(client, this.upstream, 'upstream', toxics, counters.onUpstreamBytes),
      new ToxicPipe(this.upstream, client, 'downstream', toxics, counters.onDownstreamBytes),
    ];
    // Either side failing (upstream refused, peer reset) closes the pair, as a real hop would.
    for (const s of [client, this.upstream]) {
      s.on('error', () => this.close());
      s.on('close', () => this.close());
    }
  }

  /** Closes both sides with a TCP RST: the client sees ECONNRESET. */
  reset(): void {
    if (this.closed) return;
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pipes.forEach((p) => p.dispose());
    this.client.destroy();
    this.upstream.destroy();
    this.onClose(this);
  }
}
