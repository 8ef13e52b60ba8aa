import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { UserCacheService } from '@rrl/cache';
import { ChaosAccess, ChaosService } from '@rrl/chaos/nest';
import {
  API_LOG_TARGET,
  AppError,
  ERROR_CODES,
  errorMessage,
  type BreakerTransition,
  type ChaosRun,
  type ClientMessage,
  type HelloData,
  type LoadTestRun,
  type RedisErrorKind,
  type RedisStateEvent,
  type RedisStateTransition,
  type ServerMessageType,
  type TimelineEvent,
} from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import type WebSocket from 'ws';
import { MetricsService } from '../metrics/metrics.service';
import { ApiLogTap } from './api-log-tap';
import { parseClientMessage } from './client-message.parser';
import { LiveAccessPolicy } from './live-access.policy';
import { LIVE_PROTOCOL, handleProtocols, tokenOfRequest } from './live-auth';
import { LiveSession, encode } from './live-session';
import { InjectLiveOptions, MAX_FRAME_BYTES, type LiveOptions } from './live.options';
import { LOADTEST_FEED, type LoadTestFeed } from './loadtest-feed';
import { LogHub } from './log-hub';

/** How stale the cached list of log targets in `hello` may get before a connect refreshes it. */
const TARGETS_REFRESH_MS = 10_000;

/**
 * The live feed at /ws on the API's port: `hello` on connect, `metrics` every tickMs, every Redis and
 * breaker transition, chaos-run and loop-test events, and log lines of subscribed targets (chaos
 * token needed). Every write goes through the client's LiveSession (bounded, see there).
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES, handleProtocols })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly sessions = new Map<WebSocket, LiveSession>();
  private readonly hub: LogHub;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private logTargets: string[] = [API_LOG_TARGET];
  private logTargetsAt = 0;
  /** The loop test in progress, for `hello` (from the feed's events). */
  private loadtest: LoadTestRun | null = null;
  /** Reconnect attempt the last redis-state carried: a retry without a transition gets its own message. */
  private lastAttemptSent = -1;

  constructor(
    @InjectLiveOptions() private readonly options: LiveOptions,
    private readonly metrics: MetricsService,
    private readonly redis: RedisConnectionService,
    private readonly cache: UserCacheService,
    private readonly chaos: ChaosService,
    private readonly access: ChaosAccess,
    private readonly policy: LiveAccessPolicy,
    private readonly tap: ApiLogTap,
    @Optional() @Inject(LOADTEST_FEED) private readonly loadtests: LoadTestFeed | null,
  ) {
    this.hub = new LogHub(
      (target, onLine, onError) =>
        target === API_LOG_TARGET
          ? Promise.resolve(this.tap.on(onLine))
          : this.chaos.followLogs(target, onLine, onError).then((f) => () => f.close()),
      (target, message) => this.dropTarget(target, message),
    );
  }

  onModuleInit(): void {
    this.listen(this.redis.events, 'transition', (t: RedisStateTransition) => this.onRedisTransition(t));
    this.listen(this.redis.events, 'retry', (r: { attempt: number; delayMs: number; errorKind: RedisErrorKind }) => this.onRedisRetry(r));
    this.listen(this.cache.events, 'breaker', (t: BreakerTransition) => this.broadcastFact('breaker-state', encode('breaker-state', t)));
    this.listen(this.chaos.events, 'started', (run: ChaosRun) =>
      this.broadcastFact('chaos-run', encode('chaos-run', { kind: 'started', run })),
    );
    this.listen(this.chaos.events, 'timeline', (e: { runId: string; event: TimelineEvent }) =>
      this.broadcastFact('chaos-run', encode('chaos-run', { kind: 'timeline', ...e })),
    );
    this.listen(this.chaos.events, 'ended', (run: ChaosRun) =>
      this.broadcastFact('chaos-run', encode('chaos-run', { kind: 'ended', run })),
    );
    // The loop test's feed, when the app plugs one in (loadtest-feed.ts).
    if (this.loadtests) {
      this.listen(this.loadtests.events, 'progress', (run: LoadTestRun) => {
        this.loadtest = run;
        this.broadcastState('loadtest', encode('loadtest', { kind: 'progress', run }));
      });
      this.listen(this.loadtests.events, 'ended', (run: LoadTestRun) => {
        this.loadtest = null;
        this.broadcastFact('loadtest', encode('loadtest', { kind: 'ended', run }));
      });
    }
    const every = (ms: number, fn: () => void) => this.timers.push(setInterval(fn, ms).unref());
    every(this.options.tickMs, () => this.tick());
    every(this.options.flushMs, () => this.flush());
    every(this.options.pingMs, () => this.sessions.forEach((s) => s.ping()));
    void this.refreshLogTargets();
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
    this.unsubscribers.forEach((off) => off());
    this.hub.close();
    this.sessions.forEach((s) => s.dispose());
    this.sessions.clear();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    // 1008 policy violation, before anything is sent: a cross-site page reads nothing.
    if (!this.policy.originAllowed(request)) return socket.close(1008, 'origin not allowed');
    const session = new LiveSession(socket, this.options, false, (reason) => this.onTerminated(reason));
    session.client = request.socket.remoteAddress ?? '';
    this.sessions.set(socket, session);
    this.metrics.recorder.liveClientConnected();
    // WsAdapter logs every socket error with its stack; a client's oversized frame (ws closes it with
    // 1009) or broken connection is the client's problem: one debug line, so a public socket cannot flood the log.
    socket.removeAllListeners('error');
    socket.on('error', (e) => this.logger.debug(`live client error: ${errorMessage(e)}`));
    socket.on('message', (raw: Buffer, isBinary: boolean) => this.onMessage(session, raw, isBinary));
    void this.greet(session, tokenOfRequest(request));
  }

  /** The connect-time token checked (counted like a REST guess), then hello for what the client may see. */
  private async greet(session: LiveSession, token: string | null): Promise<void> {
    const tokenProblem = token === null ? null : await this.policy.tokenProblem(token, session.client);
    session.authorized = token !== null && tokenProblem === null;
    if (!this.sessions.has(session.socket)) return;
    session.socket.send(encode('hello', this.policy.hello(this.hello(session.authorized), session.authorized)));
    if (tokenProblem) this.sendError(session, tokenProblem);
    if (session.authorized && Date.now() - this.logTargetsAt > TARGETS_REFRESH_MS) void this.refreshLogTargets();
  }

  handleDisconnect(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    this.sessions.delete(socket);
    this.metrics.recorder.liveClientDisconnected();
    for (const target of session.logTargets) this.hub.release(target);
    session.dispose();
  }

  /** Clients connected now (for tests and the bench). */
  get clientCount(): number {
    return this.sessions.size;
  }

  // ---- client messages ---------------------------------------------------------------------

  private onMessage(session: LiveSession, raw: Buffer, isBinary: boolean): void {
    const parsed = parseClientMessage(raw, isBinary);
    if (!parsed.ok) return this.sendError(session, { code: parsed.code, message: parsed.message });
    this.handle(session, parsed.message).catch((e: unknown) =>
      this.sendError(session, { code: ERROR_CODES.INTERNAL, message: `could not handle the message: ${errorMessage(e)}` }),
    );
  }

  private async handle(session: LiveSession, message: ClientMessage): Promise<void> {
    if (message.type === 'unsubscribe') {
      for (const target of message.data.logs) {
        if (!session.logTargets.has(target)) {
          this.sendError(session, { code: ERROR_CODES.VALIDATION_FAILED, message: `not subscribed to '${target}'` });
          continue;
        }
        session.unsubscribe(target);
        this.hub.release(target);
      }
      return session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
    }
    if (message.data.token !== undefined) {
      const problem = await this.policy.tokenProblem(message.data.token, session.client);
      if (problem) return this.sendError(session, problem);
      session.authorized = true;
    }
    if (!session.authorized) {
      const problem = this.access.enabled
        ? { code: ERROR_CODES.UNAUTHORIZED, message: `log feeds need the chaos token: ${LIVE_TOKEN_HINT}` }
        : { code: ERROR_CODES.CHAOS_DISABLED, message: 'log feeds are disabled: set CHAOS_TOKEN (config chaos.token)' };
      return this.sendError(session, problem);
    }
    for (const target of message.data.logs) {
      if (session.logTargets.has(target)) continue;
      try {
        await this.hub.acquire(target);
      } catch (e) {
        const code = e instanceof AppError ? e.code : ERROR_CODES.CHAOS_DRIVER_UNAVAILABLE;
        this.sendError(session, { code, message: `cannot follow '${target}': ${errorMessage(e)}` });
        continue;
      }
      if (!this.sessions.has(session.socket)) this.hub.release(target);
      else session.logTargets.add(target);
    }
    session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
  }

  private sendError(session: LiveSession, error: { code: string; message: string }): void {
    session.sendFact(encode('error', error));
  }

  // ---- pushed facts ------------------------------------------------------------------------

  private onRedisTransition(t: RedisStateTransition): void {
    if (t.to === 'reconnecting' || t.to === 'auth-failed') this.lastAttemptSent = t.attempt;
    const event: RedisStateEvent = { ...t, endpoint: this.redis.status().endpoint };
    this.broadcastFact('redis-state', encode('redis-state', event));
  }

  /** A retry while already reconnecting is no transition, but the dashboard shows every attempt and its delay. */
  private onRedisRetry(r: { attempt: number; delayMs: number; errorKind: RedisErrorKind }): void {
    if (r.attempt === this.lastAttemptSent) return;
    this.lastAttemptSent = r.attempt;
    const state = this.redis.state;
    const event: RedisStateEvent = {
      at: new Date().toISOString(),
      from: state,
      to: state,
      attempt: r.attempt,
      delayMs: r.delayMs,
      errorKind: r.errorKind,
    };
    this.broadcastFact('redis-state', encode('redis-state', event));
  }

  private tick(): void {
    if (this.sessions.size === 0) return;
    this.broadcastState('metrics', encode('metrics', this.metrics.snapshot()));
  }

  private flush(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) session.flush(now);
    for (const [target, lines] of this.hub.drain()) {
      const json = encode('log', { target, lines });
      for (const session of this.sessions.values()) session.offerLogs(target, lines, json);
    }
  }

  private broadcastFact(type: ServerMessageType, json: string): void {
    for (const session of this.sessions.values()) if (this.policy.mayReceive(type, session.authorized)) session.sendFact(json);
  }

  /** `key` is the message type (metrics, loadtest): the latest of each is all a slow client needs. */
  private broadcastState(key: ServerMessageType, json: string): void {
    for (const session of this.sessions.values()) if (this.policy.mayReceive(key, session.authorized)) session.sendState(key, json);
  }

  private hello(authorized: boolean): HelloData {
    const snapshot = this.metrics.snapshot();
    return {
      at: snapshot.at,
      redis: this.redis.status(),
      breaker: snapshot.breaker,
      metrics: snapshot,
      chaosRun: this.chaos.runs().find((r) => r.status === 'running') ?? null,
      loadtest: this.loadtest,
      logTargets: authorized ? this.logTargets : [],
    };
  }

  private async refreshLogTargets(): Promise<void> {
    this.logTargetsAt = Date.now();
    try {
      const { targets } = await this.chaos.targets();
      this.logTargets = [API_LOG_TARGET, ...targets.map((t) => t.id)];
    } catch (e) {
      this.logger.debug(`log targets not refreshed: ${errorMessage(e)}`);
    }
  }

  /** A follower failed (the target vanished, the engine went away): its clients are told and unsubscribed. */
  private dropTarget(target: string, message: string): void {
    for (const session of this.sessions.values()) {
      if (!session.logTargets.has(target)) continue;
      session.unsubscribe(target);
      this.sendError(session, { code: ERROR_CODES.CHAOS_DRIVER_UNAVAILABLE, message });
      session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
    }
  }

  private onTerminated(reason: string): void {
    this.metrics.recorder.liveClientTerminated();
    this.logger.warn(`terminated a live client: ${reason}`);
  }

  private listen<A extends unknown[]>(emitter: NodeJS.EventEmitter, event: string, listener: (...args: A) => void): void {
    const fn = listener as (...args: unknown[]) => void;
    emitter.on(event, fn);
    this.unsubscribers.push(() => emitter.off(event, fn));
  }
}

const LIVE_TOKEN_HINT = `send it in the subscribe message ({"type":"subscribe","data":{"logs":[...],"token":"..."}}), as ?token=..., or offer the subprotocols "${LIVE_PROTOCOL}" and "bearer.<token>"`;
