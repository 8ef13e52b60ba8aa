import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';

export interface RecoveryProbeTarget {
  host: string;
  port: number;
  /** TLS options for the probe's socket, or null for plain TCP. */
  tls: ConnectionOptions | null;
  username?: string;
  password?: string;
}

export interface RecoveryProbeOptions {
  target: RecoveryProbeTarget;
  /** How often a probe round may start (redis.connection.recoveryProbeInterval). */
  intervalMs: number;
  /** A PING answered within this proves Redis serves again; a round waiting longer is closed. */
  fastReplyMs: number;
  /**
   * Redis answered PING (after AUTH) within fastReplyMs on a fresh socket. True when that started a
   * connection attempt (counted against the report budget); false when one is already under way.
   */
  onAnswering: (rttMs: number) => boolean;
  /** Replaces the socket factory (unit tests). */
  connect?: (target: RecoveryProbeTarget) => net.Socket;
  now?: () => number;
}

/** After a report, the next one waits this long, doubled for each report in the last REPORT_WINDOW_MS. */
const REPORT_QUIET_MS = 1000;
const REPORT_WINDOW_MS = 60_000;

const defaultConnect = (t: RecoveryProbeTarget): net.Socket =>
  t.tls ? tls.connect({ ...t.tls, host: t.host, port: t.port }) : net.connect({ host: t.host, port: t.port });

/** RESP2 inline-safe array of bulk strings (a password may hold any byte). */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/**
 * Notices within one interval that Redis serves again, for far less than a connection attempt costs
 * it. One socket at a time; each round is AUTH (when configured) and PING, and the PING's answer
 * within fastReplyMs is the evidence. What it costs the server:
 * - Redis down (nothing listens, or the proxy in front finds nothing): a TCP connect per interval
 *   that never reaches a redis-server.
 * - Redis answering with an error (WRONGPASS, LOADING): one connection kept open, one AUTH and one
 *   PING per interval on it.
 * - Redis accepting TCP but silent or slow (paused, partitioned, added latency): a round that has
 *   waited past fastReplyMs can no longer prove anything, so its socket is closed and a fresh one
 *   opened: at most 1000 / fastReplyMs connections a second, each an accept plus AUTH and PING (no
 *   HELLO, no ready check).
 * Hand-written over net/tls: an ioredis client would add its own handshake and reconnect loop,
 * which is exactly the cost this avoids.
 */
export class RedisRecoveryProbe {
  private timer: NodeJS.Timeout | null = null;
  private socket: net.Socket | null = null;
  /** When the PING in flight was written; null when none is. */
  private sentAt: number | null = null;
  /** Reply lines still expected for the round in flight, oldest first. */
  private expected: ('auth' | 'ping')[] = [];
  private buffer = '';
  /** Closes a round that waited past fastReplyMs (it can no longer prove anything). */
  private deadline: NodeJS.Timeout | null = null;
  /** The server spoke on this socket: if it then closes it, do not reconnect at once. */
  private spoke = false;
  private reopenAt = 0;
  private reports: number[] = [];
  private readonly now: () => number;
  private readonly connectSocket: (target: RecoveryProbeTarget) => net.Socket;

  constructor(private readonly options: RecoveryProbeOptions) {
    this.now = options.now ?? Date.now;
    this.connectSocket = options.connect ?? defaultConnect;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    // unref: probing must never keep a process alive on its own.
    this.timer = setInterval(() => this.tick(), this.options.intervalMs).unref();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.drop();
  }

  /** The connection is ready again after a report: the next outage starts without a pause. */
  confirmRecovered(): void {
    this.reports = [];
  }

  private tick(): void {
    const now = this.now();
    if (this.quietUntil() > now || this.reopenAt > now) return;
    if (!this.socket) return this.open();
    if (this.sentAt === null && !this.socket.connecting) this.round();
  }

  /** A round past fastReplyMs: a fresh socket, so a reply queued behind slow traffic cannot hide a fast Redis. */
  private rotate(): void {
    this.drop();
    if (this.timer) this.tick();
  }

  private open(): void {
    const socket = this.connectSocket(this.options.target);
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => socket === this.socket && this.onData(chunk));
    // Refused, reset or closed: the next tick opens a fresh socket.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (socket !== this.socket) return;
      // A server that answered and then hung up (maxclients, a protocol error) is alive: let the
      // connection's own backoff deal with it rather than reconnecting every interval.
      if (this.spoke) this.reopenAt = this.now() + REPORT_QUIET_MS;
      this.forget();
    });
    // Written at once: Node queues it until the connection is up, so the round starts with the socket.
    this.round();
  }

  private round(): void {
    const { username, password } = this.options.target;
    const auth = password === undefined ? '' : username ? command('AUTH', username, password) : command('AUTH', password);
    this.expected = auth ? ['auth', 'ping'] : ['ping'];
    this.sentAt = this.now();
    this.deadline = setTimeout(() => this.rotate(), this.options.fastReplyMs).unref();
    this.socket!.write(auth + command('PING'));
  }

  private onData(chunk: string): void {
    this.spoke = true;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (this.expected.shift() === 'ping') this.onPingReply(line);
    }
  }

  private onPingReply(line: string): void {
    const rtt = this.now() - (this.sentAt ?? this.now());
    this.endRound();
    // "-NOAUTH", "-LOADING", …: alive but not serving; the next tick asks again on this socket.
    if (line !== '+PONG' || rtt > this.options.fastReplyMs) return;
    // Not acted on (an attempt is already under way): keep asking on this socket until it is.
    if (!this.options.onAnswering(rtt)) return;
    this.reports = [...this.reports.filter((t) => this.now() - t < REPORT_WINDOW_MS), this.now()];
    this.drop();
  }

  /**
   * A report that did not lead to a ready connection (Redis answers PING, but a full handshake
   * fails) must not turn into a connection attempt per interval: each report in the last minute
   * doubles the pause before the next.
   */
  private quietUntil(): number {
    const last = this.reports.at(-1);
    return last === undefined ? 0 : last + REPORT_QUIET_MS * 2 ** (this.reports.length - 1);
  }

  private drop(): void {
    const socket = this.socket;
    this.forget();
    socket?.destroy();
  }

  private endRound(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
    this.sentAt = null;
  }

  private forget(): void {
    this.endRound();
    this.socket = null;
    this.expected = [];
    this.buffer = '';
    this.spoke = false;
  }
}
