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
  /** How often the probe looks at its rounds (redis.connection.recoveryProbeInterval). */
  intervalMs: number;
  /** A PING answered within this proves Redis serves; a round unanswered this long is closed. */
  answerWithinMs: number;
  /** While no round has answered, a fresh socket starts a new round this often. */
  freshSocketEveryMs: number;
  /**
   * Redis answered PING (after AUTH) within answerWithinMs. True when that started a connection
   * attempt (counted against the report budget); false when one is already under way.
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

/** RESP2 array of bulk strings (a password may hold any byte). */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** One probe socket and the round (AUTH + PING) in flight on it, if any. */
interface ProbeSocket {
  socket: net.Socket;
  /** When the PING in flight was written; null between rounds. */
  sentAt: number | null;
  /** Reply lines still expected, oldest first. */
  expected: ('auth' | 'ping')[];
  buffer: string;
  /** The server spoke on this socket: alive, so if it hangs up, do not knock again at once. */
  spoke: boolean;
}

/**
 * Notices within milliseconds that Redis serves again, for far less than a connection attempt costs
 * it. Each round is AUTH (when configured) and PING on a plain socket, and a PONG within
 * answerWithinMs is the evidence. What it costs the server:
 * - Redis down (nothing listens, or the proxy in front finds nothing): a TCP connect per interval
 *   that never reaches a redis-server.
 * - Redis answering with an error (WRONGPASS, LOADING): one connection kept open, one AUTH and one
 *   PING per interval on it; a server that answers and then hangs up is knocked on once a second.
 * - Redis accepting TCP but silent or slow (paused, partitioned, added latency): a fresh socket
 *   every freshSocketEveryMs, each closed after answerWithinMs unanswered: at most
 *   1000 / freshSocketEveryMs connections a second, each an accept plus AUTH and PING (no HELLO, no
 *   ready check). Fresh sockets because replies queued behind slow ones keep an old socket slow
 *   after the fault is over; several in flight because an answer must not be lost to a busy event
 *   loop closing its socket first.
 * Hand-written over net/tls: an ioredis client would add its own handshake and reconnect loop,
 * which is exactly the cost this avoids.
 */
export class RedisRecoveryProbe {
  private timer: NodeJS.Timeout | null = null;
  private readonly sockets = new Set<ProbeSocket>();
  private lastOpenedAt = 0;
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
    // unref: probing must never keep a process alive on its own. setImmediate: replies already
    // received are read (poll phase) before a round is judged too slow.
    this.timer = setInterval(() => setImmediate(() => this.tick()), this.options.intervalMs).unref();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.sockets) p.socket.destroy();
    this.sockets.clear();
  }

  /** The connection is ready again after a report: the next outage starts without a pause. */
  confirmRecovered(): void {
    this.reports = [];
  }

  private tick(): void {
    if (!this.timer) return;
    const now = this.now();
    for (const p of this.sockets) if (p.sentAt !== null && now - p.sentAt > this.options.answerWithinMs) this.close(p);
    if (this.quietUntil() > now || this.reopenAt > now) return;
    // A socket the server answered with an error (wrong password, loading) is asked again.
    const idle = [...this.sockets].find((p) => p.sentAt === null && !p.socket.connecting);
    if (idle) return this.round(idle);
    const waiting = [...this.sockets].some((p) => p.sentAt !== null);
    if (!waiting || now - this.lastOpenedAt >= this.options.freshSocketEveryMs) this.open();
  }

  private open(): void {
    const socket = this.connectSocket(this.options.target);
    const p: ProbeSocket = { socket, sentAt: null, expected: [], buffer: '', spoke: false };
    this.sockets.add(p);
    this.lastOpenedAt = this.now();
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(p, chunk));
    // Refused, reset or closed: a later tick opens a fresh socket.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!this.sockets.delete(p)) return;
      if (p.spoke) this.reopenAt = this.now() + REPORT_QUIET_MS;
    });
    // Written at once: Node queues it until the connection is up, so the round starts with the socket.
    this.round(p);
  }

  private round(p: ProbeSocket): void {
    const { username, password } = this.options.target;
    const auth = password === undefined ? '' : username ? command('AUTH', username, password) : command('AUTH', password);
    p.expected = auth ? ['auth', 'ping'] : ['ping'];
    p.sentAt = this.now();
    p.socket.write(auth + command('PING'));
  }

  private onData(p: ProbeSocket, chunk: string): void {
    p.spoke = true;
    p.buffer += chunk;
    let end: number;
    while ((end = p.buffer.indexOf('\r\n')) >= 0) {
      const line = p.buffer.slice(0, end);
      p.buffer = p.buffer.slice(end + 2);
      if (p.expected.shift() === 'ping') this.onPingReply(p, line);
    }
  }

  private onPingReply(p: ProbeSocket, line: string): void {
    const rtt = this.now() - (p.sentAt ?? this.now());
    p.sentAt = null;
    // "-NOAUTH", "-LOADING", …: alive but not serving; the next tick asks again on this socket.
    if (line !== '+PONG') return;
    // A slow answer: this socket's traffic is delayed; fresh ones go on asking.
    if (rtt > this.options.answerWithinMs) return this.close(p);
    // Not acted on (an attempt is already under way): keep asking on this socket until it is.
    if (!this.options.onAnswering(rtt)) return;
    this.reports = [...this.reports.filter((t) => this.now() - t < REPORT_WINDOW_MS), this.now()];
    for (const other of this.sockets) this.close(other);
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

  private close(p: ProbeSocket): void {
    this.sockets.delete(p);
    p.socket.destroy();
  }
}
