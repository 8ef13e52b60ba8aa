import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type WebSocket from 'ws';
import { MetricsService } from '../metrics/metrics.service';
import { LiveSession } from './live-session';
import { InjectLiveOptions, type LiveOptions } from './live.options';

/**
 * The connected clients: opens and closes their LiveSessions, counts them, and runs the rounds every
 * session needs (flush what waits, ping). Every broadcast goes through here, so who gets what is
 * decided in one place.
 */
@Injectable()
export class LiveSessionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly sessions = new Map<WebSocket, LiveSession>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectLiveOptions() private readonly options: LiveOptions,
    private readonly metrics: MetricsService,
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

  open(socket: WebSocket, authorized: boolean): LiveSession {
    const session = new LiveSession(socket, this.options, authorized, (reason) => this.onTerminated(reason));
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

  broadcastFact(json: string): void {
    for (const session of this.sessions.values()) session.sendFact(json);
  }

  broadcastState(key: string, json: string): void {
    for (const session of this.sessions.values()) session.sendState(key, json);
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
