import type { RedisErrorKind } from '@rrl/contracts';
import { errorMessage } from '@rrl/contracts';
import { redactSecrets } from '@rrl/common';
import type Redis from 'ioredis';
import { formatHostPort } from './redis-client.factory';
import { classifyRedisError, HeartbeatTimeoutError } from './redis-errors';

export interface RedisFailure {
  kind: RedisErrorKind;
  message: string;
}

/** What one client reports, already redacted and classified; only while the session is live. */
export interface RedisClientSessionHandlers {
  error: (failure: RedisFailure) => void;
  ready: (node: string | undefined) => void;
  /** ioredis scheduled a reconnect in `delayMs` after `cause`. */
  retry: (cause: RedisFailure, delayMs: number) => void;
  /** ioredis gave up without scheduling a reconnect. */
  end: (cause: RedisFailure) => void;
  /** The server closed the socket without an error (SIGKILL, shutdown, a dropped connection). */
  closedWithoutError: (cause: RedisFailure) => void;
}

/** ioredis keeps the pending reconnect's timer here (not in its typings); see reconnectNow(). */
type WithReconnectTimer = { reconnectTimeout?: NodeJS.Timeout | null };

/**
 * One ioredis client and what is known about it alone: reconnect attempts since it was built or
 * last ready, its last sign of life, the error waiting for the next 'reconnecting'. Turns its events
 * into typed calls and stops reporting once discarded, so a replaced client can never move the
 * connection's state. In cluster mode one session per node would report into its own state machine.
 */
export class RedisClientSession {
  /** Reconnect attempts since built or last ready (the stuck detector's input). */
  attempts = 0;
  lastProgressAt: number;
  private pending: RedisFailure | null = null;
  private live = true;

  constructor(
    readonly client: Redis,
    private readonly secrets: string[],
    private readonly on: RedisClientSessionHandlers,
    private readonly now: () => number = Date.now,
  ) {
    this.lastProgressAt = now();
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.live) fn(...args);
      };
    // Every client gets an error listener: without one ioredis prints each failure to stderr.
    client.on(
      'error',
      mine((err: unknown) => this.onError(err)),
    );
    client.on(
      'ready',
      mine(() => this.onReady()),
    );
    client.on(
      'reconnecting',
      mine((delayMs: number) => this.onReconnecting(delayMs)),
    );
    client.on(
      'end',
      mine(() => this.onEnd()),
    );
    for (const event of ['connecting', 'connect', 'close'] as const)
      client.on(
        event,
        mine(() => this.markProgress()),
      );
  }

  /** The kind of the failure the next retry is for (auth failures retry at the cap). */
  get pendingErrorKind(): RedisErrorKind | null {
    return this.pending?.kind ?? null;
  }

  get status(): string {
    return this.client.status;
  }

  /** "host:port" of the node the socket reached (in Sentinel mode: the master it was given). */
  get node(): string | undefined {
    const { remoteAddress, remotePort } = this.client.stream ?? {};
    return remoteAddress && remotePort ? formatHostPort(remoteAddress, remotePort) : undefined;
  }

  connect(): void {
    // Failures arrive as 'error'/'reconnecting' events; the promise only repeats them.
    this.client.connect().catch(() => undefined);
  }

  /**
   * Starts the scheduled reconnect now instead of after its backoff (evidence that Redis answers
   * arrived). ioredis has no public call for it: its pending timer is cleared so it cannot start a
   * second attempt later. False when no reconnect is waiting.
   */
  reconnectNow(): boolean {
    if (!this.live || this.client.status !== 'reconnecting') return false;
    const c = this.client as unknown as WithReconnectTimer;
    if (c.reconnectTimeout) clearTimeout(c.reconnectTimeout);
    c.reconnectTimeout = null;
    this.connect();
    return true;
  }

  /** Half-open socket: destroying it makes ioredis emit 'error' then 'close' and reconnect. */
  dropHalfOpen(waitedMs: number): void {
    if (this.client.status === 'ready') this.client.stream?.destroy(new HeartbeatTimeoutError(waitedMs));
  }

  /** Closes a ready socket and lets ioredis reconnect on a fresh one (its retryStrategy decides when). */
  reconnectFresh(reason: string): boolean {
    if (!this.live || this.client.status !== 'ready') return false;
    this.pending = { kind: 'timeout', message: reason };
    // destroy, not disconnect(): a graceful close waits for the peer's FIN, which a slow link delays too.
    this.client.stream?.destroy();
    return true;
  }

  /** Drops a client we no longer own: nothing it reports reaches the handlers any more. */
  discard(): void {
    this.live = false;
    this.client.removeAllListeners();
    this.client.on('error', () => undefined);
    this.client.disconnect();
  }

  /** QUIT when connected (pending replies drain), else close the socket; resolves once closed. */
  async close(graceMs: number): Promise<void> {
    this.live = false;
    const client = this.client;
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

  private markProgress(): void {
    this.lastProgressAt = this.now();
  }

  private onError(err: unknown): void {
    this.markProgress();
    this.pending = { kind: classifyRedisError(err), message: redactSecrets(errorMessage(err), this.secrets) };
    this.on.error(this.pending);
  }

  private onReady(): void {
    this.markProgress();
    this.pending = null;
    this.attempts = 0;
    this.on.ready(this.node);
  }

  private onReconnecting(delayMs: number): void {
    this.markProgress();
    // A server that closes the socket sends no error: the close itself is the error, counted as
    // one so every lost connection shows up by kind.
    let cause = this.pending;
    if (!cause) {
      cause = { kind: 'closed', message: 'connection closed' };
      this.on.closedWithoutError(cause);
    }
    this.pending = null;
    this.attempts += 1;
    this.on.retry(cause, delayMs);
  }

  private onEnd(): void {
    this.markProgress();
    this.on.end(this.pending ?? { kind: 'closed', message: 'client ended without scheduling a reconnect' });
  }
}
