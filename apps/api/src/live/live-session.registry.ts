import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type WebSocket from 'ws';
import { MetricsService } from '../metrics/metrics.service';
import type { ServerMessageType } from '@rrl/contracts';
import { LiveAccessPolicy } from './live-access.policy';
import { LiveSession } from './live-session';
import { InjectLiveOptions, type LiveOptions } from './live.options';

/**
 * The connected clients: opens and closes their LiveSessions, counts them, and runs the rounds every
 * session needs (flush what waits, ping). Every broadcast goes through here and LiveAccessPolicy,
 * so who gets what is decided in one place.
 */
@Injectable()
export class LiveSessionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly sessions = new Map<WebSocket, LiveSession>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectLiveOptions() private readonly options: LiveOptions,
    private readonly metrics: MetricsService,
    private readonly policy: LiveAccessPolicy,
  ) {}

  onModuleInit(): void {
    this.timers.push(setInterval(() => this.flush(), this.options.flushMs).unref());
    this.timers.push(setInterval(() => this.sessions.forEach((s) => s.ping()), this.options.pingMs).unref());
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
    this.sessions.forEach((s) => s.dispose());
    this.sessions.clear();
  }

  /** Unauthorized until the connect-time token is checked (LiveGateway). */
  open(socket: WebSocket, client: string): LiveSession {
    const session = new LiveSession(socket, this.options, false, (reason) => this.onTerminated(reason));
    session.client = client;
    this.sessions.set(socket, session);
    this.metrics.recorder.liveClientConnected();
    return session;
  }

  /** The socket closed: the session is dropped and returned (undefined when it was not open). */
  close(socket: WebSocket): LiveSession | undefined {
    const session = this.sessions.get(socket);
    if (!session) return undefined;
    this.sessions.delete(socket);
    this.metrics.recorder.liveClientDisconnected();
    session.dispose();
    return session;
  }

  isOpen(session: LiveSession): boolean {
    return this.sessions.get(session.socket) === session;
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): IterableIterator<LiveSession> {
    return this.sessions.values();
  }

  broadcastFact(type: ServerMessageType, json: string): void {
    for (const session of this.sessions.values()) if (this.policy.mayReceive(type, session.authorized)) session.sendFact(json);
  }

  /** `key` is the message type (metrics, loadtest): the latest of each is all a slow client needs. */
  broadcastState(key: ServerMessageType, json: string): void {
    for (const session of this.sessions.values()) if (this.policy.mayReceive(key, session.authorized)) session.sendState(key, json);
  }

  private flush(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) session.flush(now);
  }

  private onTerminated(reason: string): void {
    this.metrics.recorder.liveClientTerminated();
    this.logger.warn(`terminated a live client: ${reason}`);
  }
}
