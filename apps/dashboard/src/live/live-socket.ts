import type { ClientMessage, ServerMessage } from '@rrl/contracts';
import { feedRetryDelay } from './backoff';

export type FeedStatus = 'connecting' | 'open' | 'offline';

export interface FeedState {
  status: FeedStatus;
  /** Failed connection attempts since the feed was last open. */
  attempt: number;
  /** Delay before the next attempt while offline, ms. */
  retryInMs: number | null;
  /** When the current status began (epoch ms). */
  since: number;
}

export interface LiveSocketOptions {
  url: string;
  onMessage: (message: ServerMessage) => void;
  onState: (state: FeedState) => void;
  /** Called on every open, before any message: resend subscriptions. */
  onOpen?: () => void;
  retryDelay?: (attempt: number) => number;
  /** Subprotocols offered on each connect (the operator token travels as one, see live-auth.ts on the server). */
  protocols?: string[];
}

/**
 * The one WebSocket to /ws: JSON messages in, reconnect with backoff forever (an API restart is
 * an outage like any other), out-going messages only while open. Written by hand because it is
 * 80 lines and the browser's WebSocket does everything else.
 */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private closed = false;

  constructor(private readonly options: LiveSocketOptions) {}

  start(): void {
    this.closed = false;
    this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    this.emit('connecting', null);
    const ws = new WebSocket(this.options.url, this.options.protocols);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.emit('open', null);
      this.options.onOpen?.();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws || typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return; // not ours to crash on: the server speaks JSON
      }
      this.options.onMessage(message);
    };
    // Every failure ends in close (an error is followed by one), so close alone schedules the retry.
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      this.attempt++;
      const delay = (this.options.retryDelay ?? feedRetryDelay)(this.attempt);
      this.emit('offline', delay);
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.closed) this.connect();
      }, delay);
    };
  }

  private emit(status: FeedStatus, retryInMs: number | null): void {
    this.options.onState({ status, attempt: this.attempt, retryInMs, since: Date.now() });
  }
}

/** ws:// or wss:// to /ws on the page's own host (the Vite dev server proxies it). */
export function defaultFeedUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
