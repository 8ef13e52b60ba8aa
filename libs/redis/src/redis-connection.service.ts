import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { type AppConfig, InjectAppConfig } from '@rrl/config';
import { redactSecrets } from '@rrl/common';
import type { RedisConnectionState, RedisErrorKind, RedisResetResult, RedisStateTransition, RedisStatus } from '@rrl/contracts';
import type Redis from 'ioredis';
import { backoffDelay } from './backoff';
import {
  buildRedisOptions,
  createIoRedisClient,
  describeRedisEndpoint,
  describeSentinels,
  formatHostPort,
  isSentinelMode,
  type RedisClientFactory,
  redisSecrets,
} from './redis-client.factory';
import { errorMessage } from '@rrl/contracts';
import { classifyRedisError, HeartbeatTimeoutError } from './redis-errors';
import { RedisHeartbeat } from './redis-heartbeat';
import { RedisStateMachine } from './redis-state-machine';
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

type PendingError = { kind: RedisErrorKind; message: string };

/**
 * Owns the one ioredis client: connects without ever blocking boot, reconnects with capped,
 * jittered backoff, detects half-open connections with a heartbeat, rebuilds a client whose
 * reconnect loop is stuck, and reports every state change (events, history, one log line).
 * Callers read `client` per call: a forced reset replaces it.
 */
@Injectable()
export class RedisConnectionService implements OnModuleInit, OnApplicationShutdown {
  readonly events = new EventEmitter<RedisConnectionEvents>();
  private readonly logger = new Logger('RedisConnection');
  private readonly machine: RedisStateMachine;
  private readonly heartbeat: RedisHeartbeat;
  private readonly detector: StuckRetryDetector;
  private readonly endpoint: string;
  private readonly secrets: string[];
  private current: Redis;
  private started = false;
  private stopping: Promise<void> | null = null;
  private resetting: Promise<RedisResetResult> | null = null;
  private pendingError: PendingError | null = null;
  private clientAttempts = 0;
  private lastProgressAt = Date.now();
  private autoResetTimer: NodeJS.Timeout | null = null;
  private endRecoveryTimer: NodeJS.Timeout | null = null;

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
      ping: () => this.current.ping(),
      onTimeout: (waitedMs) => this.onHeartbeatTimeout(waitedMs),
    });
    this.detector = new StuckRetryDetector({
      threshold: config.redis.resilience.stuckRetryThreshold,
      // One full attempt (connect, handshake, forced close) plus the longest backoff, twice:
      // a healthy reconnect loop reports something well within that.
      stallMs: 2 * (c.connectTimeout + 2 * c.commandTimeout + c.maxRetryDelay),
    });
    this.current = this.buildClient();
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
    return this.current;
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
    this.connectCurrent();
    // unref: a periodic check must not keep a process alive on its own.
    this.autoResetTimer = setInterval(() => this.checkStuck(), this.config.redis.resilience.autoResetInterval).unref();
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
    const old = this.current;
    let fresh: Redis;
    try {
      fresh = this.buildClient();
    } catch (err) {
      // E.g. the TLS CA file vanished: keep the old client rather than having none.
      const message = redactSecrets(errorMessage(err), this.secrets);
      this.machine.recordError(classifyRedisError(err), message);
      return { reset: false, reason: `could not build a new client: ${message}`, status: this.status() };
    }
    this.heartbeat.stop();
    this.clearEndRecovery();
    this.current = fresh;
    discardClient(old);
    this.machine.forcedReset(redactSecrets(reason, this.secrets));
    this.connectCurrent();
    return { reset: true, reason, status: this.status() };
  }

  private stuckReason(): string | null {
    return this.detector.reason({
      state: this.machine.state,
      clientAttempts: this.clientAttempts,
      clientStatus: this.current.status,
      lastProgressAt: this.lastProgressAt,
      now: Date.now(),
    });
  }

  private buildClient(): Redis {
    const client = this.createClient(buildRedisOptions(this.config, { retryStrategy: () => this.nextRetryDelay() }));
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (client === this.current && !this.stopping) fn(...args);
      };
    // Every client gets an error listener: without one ioredis prints each failure to stderr.
    client.on(
      'error',
      mine((err: unknown) => this.onClientError(err)),
    );
    client.on(
      'ready',
      mine(() => this.onClientReady()),
    );
    client.on(
      'reconnecting',
      mine((delayMs: number) => this.onClientReconnecting(delayMs)),
    );
    client.on(
      'end',
      mine(() => this.onClientEnd()),
    );
    for (const event of ['connecting', 'connect', 'close'] as const)
      client.on(
        event,
        mine(() => this.markProgress()),
      );
    this.clientAttempts = 0;
    this.pendingError = null;
    this.markProgress();
    return client;
  }

  private connectCurrent(): void {
    // Failures arrive as 'error'/'reconnecting' events; the promise only repeats them.
    this.current.connect().catch(() => undefined);
  }

  /** retryStrategy: never null, so ioredis never abandons the reconnect loop on its own. */
  private nextRetryDelay(): number {
    const { retryDelay, maxRetryDelay } = this.config.redis.connection;
    // Wrong credentials will not fix themselves quickly: retry at the cap, do not hammer.
    if (this.pendingError?.kind === 'auth') return maxRetryDelay;
    return backoffDelay(this.machine.attempt + 1, retryDelay, maxRetryDelay);
  }

  private onClientError(err: unknown): void {
    const kind = classifyRedisError(err);
    const message = redactSecrets(errorMessage(err), this.secrets);
    this.markProgress();
    this.pendingError = { kind, message };
    this.machine.recordError(kind, message);
    if (this.events.listenerCount('error') > 0) this.events.emit('error', { kind, message });
  }

  private onClientReady(): void {
    this.markProgress();
    this.pendingError = null;
    this.clientAttempts = 0;
    this.machine.ready(connectedNode(this.current));
    this.heartbeat.start();
    this.events.emit('ready');
  }

  private onClientReconnecting(delayMs: number): void {
    this.markProgress();
    this.heartbeat.stop();
    // A server that closes the socket (SIGKILL, shutdown, a dropped connection) sends no error:
    // the close itself is the error, counted as one so every lost connection shows up by kind.
    const cause = this.pendingError ?? this.closedWithoutError();
    this.pendingError = null;
    this.clientAttempts += 1;
    this.machine.retryScheduled({ errorKind: cause.kind, message: cause.message, delayMs });
    this.events.emit('retry', { attempt: this.machine.attempt, delayMs, errorKind: cause.kind });
  }

  private closedWithoutError(): { kind: RedisErrorKind; message: string } {
    const cause = { kind: 'closed' as const, message: 'connection closed' };
    if (this.events.listenerCount('error') > 0) this.events.emit('error', cause);
    return cause;
  }

  /** ioredis gave up (no reconnect scheduled): rebuild after a backoff instead of staying dead. */
  private onClientEnd(): void {
    this.markProgress();
    this.heartbeat.stop();
    const cause = this.pendingError ?? { kind: 'closed' as const, message: 'client ended without scheduling a reconnect' };
    this.machine.retryScheduled({ errorKind: cause.kind, message: cause.message });
    this.clearEndRecovery();
    const delay = backoffDelay(this.machine.attempt, this.config.redis.connection.retryDelay, this.config.redis.connection.maxRetryDelay);
    this.endRecoveryTimer = setTimeout(() => this.checkStuck(), delay).unref();
  }

  private onHeartbeatTimeout(waitedMs: number): void {
    const client = this.current;
    if (client.status !== 'ready') return;
    // Destroying the socket makes ioredis emit 'error' then 'close' and run its reconnect loop.
    client.stream?.destroy(new HeartbeatTimeoutError(waitedMs));
  }

  private onTransition(t: RedisStateTransition): void {
    const cause = t.errorKind ? `, ${t.errorKind}${t.message ? `: ${t.message}` : ''}` : '';
    const node = t.previousNode ? `, node ${t.previousNode} -> ${t.node}` : t.node ? `, node ${t.node}` : '';
    const line = `${t.from} -> ${t.to} (attempt ${t.attempt}${cause}${node}) [${this.endpoint}]`;
    if (t.to === 'auth-failed') this.logger.error(line);
    else if (t.to === 'reconnecting') this.logger.warn(line);
    else this.logger.log(line);
    this.events.emit('transition', t);
  }

  private markProgress(): void {
    this.lastProgressAt = Date.now();
  }

  private clearEndRecovery(): void {
    if (this.endRecoveryTimer) clearTimeout(this.endRecoveryTimer);
    this.endRecoveryTimer = null;
  }

  private async shutdown(): Promise<void> {
    this.started = false;
    if (this.autoResetTimer) clearInterval(this.autoResetTimer);
    this.autoResetTimer = null;
    this.clearEndRecovery();
    this.heartbeat.stop();
    await this.resetting?.catch(() => undefined);
    this.machine.stop();
    await closeClient(this.current, this.config.redis.connection.commandTimeout);
  }
}

/** "host:port" of the node the client's socket reached (in Sentinel mode: the master it was given). */
function connectedNode(client: Redis): string | undefined {
  const { remoteAddress, remotePort } = client.stream ?? {};
  return remoteAddress && remotePort ? formatHostPort(remoteAddress, remotePort) : undefined;
}

/** Drops a client we no longer own: nothing it reports reaches the service any more. */
function discardClient(client: Redis): void {
  client.removeAllListeners();
  client.on('error', () => undefined);
  client.disconnect();
}

/** QUIT when connected (pending replies drain), else close the socket; resolves once closed. */
async function closeClient(client: Redis, graceMs: number): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => undefined);
  // Between attempts ioredis only clears its reconnect timer: no socket, and no 'end' follows.
  const waitForEnd = client.status !== 'end' && client.status !== 'reconnecting';
  let backstop: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', () => resolve());
    // disconnect() destroys the socket after disconnectTimeout (graceMs); this is a backstop.
    backstop = setTimeout(resolve, graceMs * 2 + 100).unref();
  });
  client.disconnect();
  if (waitForEnd) await ended;
  clearTimeout(backstop);
}
