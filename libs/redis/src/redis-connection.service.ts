import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { type AppConfig, InjectAppConfig } from '@rrl/config';
import { redactSecrets } from '@rrl/common';
import type { RedisConnectionState, RedisErrorKind, RedisResetResult, RedisStateTransition, RedisStatus } from '@rrl/contracts';
import { errorMessage } from '@rrl/contracts';
import type Redis from 'ioredis';
import { backoffDelay } from './backoff';
import { reconnectDelay } from './reconnect-delay';
import {
  buildRedisOptions,
  createIoRedisClient,
  describeRedisEndpoint,
  describeSentinels,
  isSentinelMode,
  recoveryProbeTarget,
  type RedisClientFactory,
  redisSecrets,
} from './redis-client.factory';
import { RedisClientSession, type RedisClientSessionHandlers, type RedisFailure } from './redis-client.session';
import { classifyRedisError } from './redis-errors';
import { RedisHeartbeat } from './redis-heartbeat';
import { RedisRecoveryProbe } from './redis-recovery.probe';
import { RedisStateMachine } from './redis-state-machine';
import { describeTransition } from './redis-transition.log';
import { StuckResetScheduler } from './stuck-reset.scheduler';
import { StuckRetryDetector } from './stuck-retry.detector';

/** Replaces how clients are built (tests pass a fake); ioredis by default. */
export const REDIS_CLIENT_FACTORY = Symbol('REDIS_CLIENT_FACTORY');

export interface RedisConnectionEvents {
  transition: [RedisStateTransition];
  ready: [];
  /** Only emitted when someone listens (an unheard "error" would throw). */
  error: [{ kind: RedisErrorKind; message: string }];
  /** ioredis scheduled reconnect attempt `attempt` in `delayMs`. */
  retry: [{ attempt: number; delayMs: number; errorKind: RedisErrorKind }];
}

/**
 * The one Redis connection of the process. Composes a client session (the ioredis client and its
 * events), the state machine (states, history, stats), the heartbeat (half-open sockets), the
 * reconnect delay and the stuck-retry detector with its scheduler; connects without ever blocking
 * boot. Callers read `client` per call: a forced reset replaces it.
 */
@Injectable()
export class RedisConnectionService implements OnModuleInit, OnApplicationShutdown {
  readonly events = new EventEmitter<RedisConnectionEvents>();
  private readonly logger = new Logger('RedisConnection');
  private readonly machine: RedisStateMachine;
  private readonly heartbeat: RedisHeartbeat;
  private readonly detector: StuckRetryDetector;
  private readonly stuckChecks: StuckResetScheduler;
  /** Null in Sentinel mode (no fixed node to knock on) or when redis.connection.recoveryProbeInterval is 0. */
  private readonly probe: RedisRecoveryProbe | null;
  /** The probe reported Redis answering; the next ready confirms it. */
  private probeReported = false;
  /** The socket is being closed on purpose for a fresh one: the retry strategy answers 0. */
  private freshSocket = false;
  private readonly endpoint: string;
  private readonly secrets: string[];
  private session: RedisClientSession;
  private started = false;
  private stopping: Promise<void> | null = null;
  private resetting: Promise<RedisResetResult> | null = null;

  constructor(
    @InjectAppConfig() private readonly config: AppConfig,
    @Optional() @Inject(REDIS_CLIENT_FACTORY) private readonly createClient: RedisClientFactory = createIoRedisClient,
  ) {
    const c = config.redis.connection;
    this.endpoint = describeRedisEndpoint(config);
    this.secrets = redisSecrets(config);
    this.machine = new RedisStateMachine((t) => this.onTransition(t));
    this.heartbeat = new RedisHeartbeat({
      intervalMs: c.heartbeatInterval,
      timeoutMs: c.heartbeatTimeout,
      ping: () => this.session.client.ping(),
      onTimeout: (waitedMs) => this.session.dropHalfOpen(waitedMs),
    });
    this.detector = new StuckRetryDetector({
      threshold: config.redis.resilience.stuckRetryThreshold,
      // One full attempt (connect, handshake, forced close) plus the longest backoff, twice:
      // a healthy reconnect loop reports something well within that.
      stallMs: 2 * (c.connectTimeout + 2 * c.commandTimeout + c.maxRetryDelay),
    });
    this.stuckChecks = new StuckResetScheduler(config.redis.resilience.autoResetInterval, () => this.checkStuck());
    const target = recoveryProbeTarget(config);
    this.probe =
      target && c.recoveryProbeInterval > 0
        ? new RedisRecoveryProbe({
            target,
            intervalMs: c.recoveryProbeInterval,
            // Half a command's budget: a Redis answering within it serves reads (the latency fault is
            // 500 ms a way); a busy event loop on a shared machine still fits in it.
            answerWithinMs: Math.max(1, Math.round(c.commandTimeout / 2)),
            // A fresh socket per tenth of a command's budget while nothing answers: a latency spike
            // that ends is seen within that, at most 20 connections a second at the defaults.
            freshSocketEveryMs: Math.max(c.recoveryProbeInterval, Math.round(c.commandTimeout / 10)),
            onAnswering: () => this.onProbeAnswered(),
          })
        : null;
    this.session = this.openSession();
  }

  /** For code outside Nest (bench, tests): call start() and stop() yourself. */
  static create(config: AppConfig, createClient?: RedisClientFactory): RedisConnectionService {
    return new RedisConnectionService(config, createClient);
  }

  onModuleInit(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** The current client. Read it per call: a forced reset replaces the object. */
  get client(): Redis {
    return this.session.client;
  }

  get state(): RedisConnectionState {
    return this.machine.state;
  }

  isReady(): boolean {
    return this.machine.state === 'ready';
  }

  /** Begins connecting and returns at once; a Redis that is down is reported, never thrown. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.machine.begin();
    this.session.connect();
    this.stuckChecks.start();
  }

  /** Quits the client and clears every timer. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  status(): RedisStatus {
    return {
      state: this.machine.state,
      attempt: this.machine.attempt,
      endpoint: this.endpoint,
      node: this.machine.node,
      ...(isSentinelMode(this.config)
        ? { sentinel: { masterName: this.config.redis.sentinel.masterName, sentinels: describeSentinels(this.config) } }
        : {}),
      stuck: this.isStuckInRetry(),
      lastError: this.machine.lastError,
      stats: this.machine.stats(),
    };
  }

  /** Transitions, newest last (at most the last 200). */
  history(limit?: number): RedisStateTransition[] {
    return this.machine.history(limit);
  }

  isStuckInRetry(): boolean {
    return this.stuckReason() !== null;
  }

  /**
   * The cache's breaker opened while the connection is ready (commands time out or fail): probe on
   * fresh sockets and, as soon as Redis answers fast there, reconnect so the breaker closes on that
   * ready instead of waiting for its half-open timer. A fresh socket, because replies queued behind
   * a latency spike keep the old one slow after the spike is over.
   */
  reportDegraded(): void {
    if (this.started && !this.stopping && this.machine.state === 'ready') this.probe?.start();
  }

  /** The breaker closed again: nothing left to prove while the connection is ready. */
  degradedCleared(): void {
    if (this.machine.state === 'ready') this.probe?.stop();
  }

  /** Rebuilds the client when the stuck detector says so; runs every autoResetInterval. */
  async forceResetIfStuck(): Promise<boolean> {
    const reason = this.stuckReason();
    if (!reason) return false;
    const result = await this.forceReset(`stuck: ${reason}`);
    return result.reset;
  }

  /** Discards the client (listeners removed, socket closed) and connects a fresh one. */
  forceReset(reason: string): Promise<RedisResetResult> {
    this.resetting ??= Promise.resolve()
      .then(() => this.replaceClient(reason))
      .finally(() => (this.resetting = null));
    return this.resetting;
  }

  /** Timer-driven check: a failure here is logged, never an unhandled rejection. */
  private checkStuck(): void {
    this.forceResetIfStuck().catch((err: unknown) =>
      this.logger.error(`stuck-retry check failed: ${redactSecrets(errorMessage(err), this.secrets)}`),
    );
  }

  private replaceClient(reason: string): RedisResetResult {
    if (this.stopping) return { reset: false, reason: 'connection service is stopped', status: this.status() };
    if (!this.started) return { reset: false, reason: 'connection service is not started', status: this.status() };
    const old = this.session;
    let fresh: RedisClientSession;
    try {
      fresh = this.openSession();
    } catch (err) {
      // E.g. the TLS CA file vanished: keep the old client rather than having none.
      const message = redactSecrets(errorMessage(err), this.secrets);
      this.machine.recordError(classifyRedisError(err), message);
      return { reset: false, reason: `could not build a new client: ${message}`, status: this.status() };
    }
    this.heartbeat.stop();
    this.stuckChecks.cancelPending();
    this.session = fresh;
    old.discard();
    this.machine.forcedReset(redactSecrets(reason, this.secrets));
    this.session.connect();
    return { reset: true, reason, status: this.status() };
  }

  private stuckReason(): string | null {
    return this.detector.reason({
      state: this.machine.state,
      clientAttempts: this.session.attempts,
      clientStatus: this.session.status,
      lastProgressAt: this.session.lastProgressAt,
      now: Date.now(),
    });
  }

  private openSession(): RedisClientSession {
    const client = this.createClient(buildRedisOptions(this.config, { retryStrategy: () => this.nextRetryDelay() }));
    return new RedisClientSession(client, this.secrets, this.sessionHandlers);
  }

  /** retryStrategy: never null, so ioredis never abandons the reconnect loop on its own. */
  private nextRetryDelay(): number {
    return reconnectDelay(
      {
        attempt: this.machine.attempt + 1,
        errorKind: this.session.pendingErrorKind,
        outageMs: this.machine.stats().currentOutageMs ?? 0,
        immediate: this.consumeFreshSocket(),
      },
      this.config.redis.connection,
    );
  }

  private consumeFreshSocket(): boolean {
    const fresh = this.freshSocket;
    this.freshSocket = false;
    return fresh;
  }

  /** Redis answered the probe fast: start the waiting attempt now, or trade a lagging socket for a fresh one. */
  private onProbeAnswered(): boolean {
    const acted =
      this.machine.state === 'ready'
        ? (this.freshSocket = this.session.reconnectFresh('Redis answers a fresh socket fast while this one lags: reconnecting'))
        : this.session.reconnectNow();
    this.probeReported ||= acted;
    return acted;
  }

  private readonly sessionHandlers: RedisClientSessionHandlers = {
    error: (failure) => {
      this.machine.recordError(failure.kind, failure.message);
      this.emitError(failure);
    },
    ready: (node) => {
      this.probe?.stop();
      if (this.probeReported) this.probe?.confirmRecovered();
      this.probeReported = false;
      this.machine.ready(node);
      this.heartbeat.start();
      this.events.emit('ready');
    },
    retry: (cause, delayMs) => {
      this.heartbeat.stop();
      this.probe?.start();
      this.machine.retryScheduled({ errorKind: cause.kind, message: cause.message, delayMs });
      this.events.emit('retry', { attempt: this.machine.attempt, delayMs, errorKind: cause.kind });
    },
    closedWithoutError: (cause) => this.emitError(cause),
    /** ioredis gave up (no reconnect scheduled): rebuild after a backoff instead of staying dead. */
    end: (cause) => {
      this.heartbeat.stop();
      this.probe?.start();
      this.machine.retryScheduled({ errorKind: cause.kind, message: cause.message });
      const { retryDelay, maxRetryDelay } = this.config.redis.connection;
      this.stuckChecks.checkAfter(backoffDelay(this.machine.attempt, retryDelay, maxRetryDelay));
    },
  };

  private emitError(failure: RedisFailure): void {
    if (this.events.listenerCount('error') > 0) this.events.emit('error', failure);
  }

  private onTransition(t: RedisStateTransition): void {
    const { level, line } = describeTransition(t, this.endpoint);
    this.logger[level](line);
    this.events.emit('transition', t);
  }

  private async shutdown(): Promise<void> {
    this.started = false;
    this.stuckChecks.stop();
    this.heartbeat.stop();
    this.probe?.stop();
    await this.resetting?.catch(() => undefined);
    this.machine.stop();
    await this.session.close(this.config.redis.connection.commandTimeout);
  }
}
