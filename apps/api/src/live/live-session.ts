import type { LogLine, ServerMessageMap, ServerMessageType } from '@rrl/contracts';
import type WebSocket from 'ws';
import type { LiveOptions } from './live.options';

export const encode = <K extends ServerMessageType>(type: K, data: ServerMessageMap[K]): string => JSON.stringify({ type, data });

export type LogLineWithLevel = LogLine & { level?: string };

interface LogBuffer {
  lines: LogLineWithLevel[];
  dropped: number;
}

/**
 * One WebSocket client and everything it is owed. Writes go straight to the socket while its
 * backlog (`bufferedAmount`) is under the high-water mark; past it, messages wait here, bounded:
 * state snapshots coalesce (the latest wins), facts queue up to a cap, log lines are held up to a
 * cap per target and the rest dropped and counted (the next `log` message says how many). A client
 * over the hard cap, whose backlog stays above the mark for `stallMs`, whose fact queue overflows,
 * or that misses a pong, is terminated: one slow reader never grows the server's memory without
 * bound and never delays the others (each write is to its own socket).
 */
export class LiveSession {
  readonly logTargets = new Set<string>();
  authorized: boolean;
  /** The client's IP, whose wrong tokens are counted (LiveAccessPolicy). */
  client = '';
  private readonly facts: string[] = [];
  private readonly states = new Map<string, string>();
  private readonly logs = new Map<string, LogBuffer>();
  private behindSince: number | null = null;
  private alive = true;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly options: LiveOptions,
    authorized: boolean,
    private readonly onTerminated: (reason: string) => void,
  ) {
    this.authorized = authorized;
    socket.on('pong', () => (this.alive = true));
  }

  /** A fact (a transition, a chaos or loop-test event): never coalesced, kept in order. */
  sendFact(json: string): void {
    if (this.closed) return;
    if (this.facts.length === 0 && this.canWrite()) return this.write(json);
    if (this.facts.length >= this.options.factQueueLength)
      return this.terminate(`more than ${this.options.factQueueLength} messages waiting`);
    this.facts.push(json);
  }

  /** A snapshot (metrics, loop-test progress): only the latest per key is worth sending. */
  sendState(key: string, json: string): void {
    if (this.closed) return;
    if (this.facts.length === 0 && !this.states.has(key) && this.canWrite()) return this.write(json);
    this.states.set(key, json);
  }

  /**
   * A batch of a target's lines (every flush). `json` is the batch already encoded once for every
   * client; a client that is behind keeps the lines instead, up to its cap, and counts the rest.
   */
  offerLogs(target: string, lines: readonly LogLineWithLevel[], json: string): void {
    if (this.closed || !this.logTargets.has(target)) return;
    const buffer = this.logs.get(target);
    if (!buffer && this.facts.length === 0 && this.canWrite()) return this.write(json);
    const held = buffer ?? { lines: [], dropped: 0 };
    this.logs.set(target, held);
    const room = Math.max(0, this.options.logBufferLines - held.lines.length);
    for (let i = 0; i < Math.min(room, lines.length); i++) held.lines.push(lines[i]);
    held.dropped += Math.max(0, lines.length - room);
  }

  /** Called every flushMs: writes what waits while the socket keeps up, and checks the caps. */
  flush(now: number): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.options.hardCapBytes)
      return this.terminate(`over the ${this.options.hardCapBytes}-byte hard cap`);
    if (!this.canWrite()) {
      this.behindSince ??= now;
      if (now - this.behindSince >= this.options.stallMs) this.terminate(`behind for ${this.options.stallMs} ms`);
      return;
    }
    this.behindSince = null;
    while (this.facts.length > 0 && this.canWrite()) this.write(this.facts.shift()!);
    if (this.facts.length > 0) return;
    for (const [key, json] of this.states) {
      if (!this.canWrite()) return;
      this.states.delete(key);
      this.write(json);
    }
    for (const [target, buffer] of this.logs) {
      if (!this.canWrite()) return;
      this.logs.delete(target);
      this.write(encode('log', { target, lines: buffer.lines, ...(buffer.dropped > 0 ? { dropped: buffer.dropped } : {}) }));
    }
  }

  /** Ping round: terminated when the last ping went unanswered. */
  ping(): void {
    if (this.closed) return;
    if (!this.alive) return this.terminate('no pong');
    this.alive = false;
    this.socket.ping();
  }

  unsubscribe(target: string): void {
    this.logTargets.delete(target);
    this.logs.delete(target);
  }

  /** The socket closed (by either side): drop what waits. */
  dispose(): void {
    this.closed = true;
    this.facts.length = 0;
    this.states.clear();
    this.logs.clear();
  }

  private canWrite(): boolean {
    return this.socket.readyState === this.socket.OPEN && this.socket.bufferedAmount < this.options.highWaterBytes;
  }

  private write(json: string): void {
    this.socket.send(json);
  }

  private terminate(reason: string): void {
    if (this.closed) return;
    this.dispose();
    this.onTerminated(reason);
    // terminate(): a client that stopped reading would never complete a closing handshake.
    this.socket.terminate();
  }
}
