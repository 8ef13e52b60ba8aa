import type { ServerMessage, ServerMessageMap, ServerMessageType } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import WebSocket from 'ws';

type Of<K extends ServerMessageType> = { type: K; data: ServerMessageMap[K]; receivedAt: number };

/** A real ws client on the lab's /ws that keeps every message it got, with when it got it. */
export class LiveClient {
  readonly messages: (ServerMessage & { receivedAt: number })[] = [];
  closeCode: number | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer) => this.messages.push({ ...(JSON.parse(raw.toString()) as ServerMessage), receivedAt: Date.now() }));
    socket.on('close', (code) => (this.closeCode = code));
    socket.on('error', () => undefined);
  }

  static async connect(labUrl: string, opts: { query?: string; protocols?: string[] } = {}): Promise<LiveClient> {
    const socket = new WebSocket(`${labUrl.replace(/^http/, 'ws')}/ws${opts.query ?? ''}`, opts.protocols);
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  of<K extends ServerMessageType>(type: K): Of<K>[] {
    return this.messages.filter((m) => m.type === type) as unknown as Of<K>[];
  }

  /** The first message of `type` (after `from` messages) matching `match`. */
  next<K extends ServerMessageType>(type: K, match: (data: ServerMessageMap[K]) => boolean = () => true, timeoutMs = 10_000, from = 0) {
    return waitFor(
      `a '${type}' message`,
      () => this.messages.slice(from).find((m) => m.type === type && match(m.data as ServerMessageMap[K])) as Of<K> | undefined,
      timeoutMs,
    );
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    this.socket.terminate();
  }
}
