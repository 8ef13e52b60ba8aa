import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RedisConnectionService } from './redis-connection.service';
import { HeartbeatTimeoutError } from './redis-errors';
import { testRedisConfig } from '@rrl/testing';

/** Just enough of an ioredis client to drive the service through every event by hand. */
class FakeRedis extends EventEmitter {
  status = 'wait';
  private times = 0;
  readonly stream = { destroy: jest.fn((err: Error) => this.drop(err)) };
  readonly connect = jest.fn(async () => this.set('connecting'));
  readonly disconnect = jest.fn(() => this.set('end'));
  readonly quit = jest.fn(async () => (this.disconnect(), 'OK'));
  readonly ping = jest.fn(() => new Promise<string>(() => undefined));

  constructor(readonly options: RedisOptions) {
    super();
  }

  ready(): void {
    this.times = 0;
    this.set('ready');
  }

  /** What ioredis does when a connection fails: 'error', 'close', then retryStrategy and 'reconnecting'. */
  drop(err?: Error): void {
    if (err) this.emit('error', err);
    this.set('close');
    const delay = (this.options.retryStrategy as (t: number) => number)(++this.times);
    this.set('reconnecting', delay);
  }

  private set(status: string, arg?: unknown): void {
    this.status = status;
    this.emit(status, arg);
  }
}

describe('RedisConnectionService (fake client, fake timers)', () => {
  let clients: FakeRedis[];
  let service: RedisConnectionService;
  let logs: string[];
  const latest = () => clients[clients.length - 1];
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });

  const create = (redis: Parameters<typeof testRedisConfig>[1] = {}) => {
    const config = testRedisConfig(6390, { password: 'top-secret', ...redis });
    service = RedisConnectionService.create(config, (options) => {
      const c = new FakeRedis(options);
      clients.push(c);
      return c as unknown as Redis;
    });
    return service;
  };

  beforeEach(() => {
    jest.useFakeTimers();
    clients = [];
    logs = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logs.push(`${level} ${String(args[0])}`));
    }
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await service.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('hands ioredis a retryStrategy that grows from retryDelay, caps at maxRetryDelay and never gives up', () => {
    create({ connection: { retryDelay: 100, maxRetryDelay: 1000 } });
    service.start();
    const delays: number[] = [];
    service.events.on('retry', (r) => delays.push(r.delayMs));
    for (let i = 0; i < 12; i++) latest().drop(refused());
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[0]).toBeLessThanOrEqual(120);
    expect(delays[2]).toBeGreaterThanOrEqual(320);
    expect(delays.slice(5).every((d) => d >= 800 && d <= 1000)).toBe(true);
    expect(delays).toHaveLength(12);
  });

  it('retries at the capped delay while the credentials are rejected', () => {
    create({ connection: { retryDelay: 100, maxRetryDelay: 1000 } });
    service.start();
    const delays: number[] = [];
    service.events.on('retry', (r) => delays.push(r.delayMs));
    latest().drop(new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    latest().drop(new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(delays).toEqual([1000, 1000]);
    expect(service.state).toBe('auth-failed');
  });

  it('writes one log line per state change, saying from, to, attempt and kind, never the password', () => {
    create();
    service.start();
    latest().ready();
    latest().drop(new Error('ERR something about top-secret'));
    latest().drop(refused());
    latest().drop(refused());
    latest().ready();
    expect(logs).toEqual([
      expect.stringMatching(/^log idle -> connecting \(attempt 0\)/),
      expect.stringMatching(/^log connecting -> ready \(attempt 0\)/),
      expect.stringMatching(/^warn ready -> reconnecting \(attempt 1, other: ERR something about \*\*\*\)/),
      expect.stringMatching(/^log reconnecting -> ready \(attempt 3\)/),
    ]);
    expect(JSON.stringify([logs, service.status(), service.history()])).not.toContain('top-secret');
  });

  it('forces a reconnect when the heartbeat PING goes unanswered', async () => {
    create();
    service.start();
    latest().ready();
    await jest.advanceTimersByTimeAsync(1500);
    expect(latest().stream.destroy).toHaveBeenCalledWith(expect.any(HeartbeatTimeoutError));
    expect(service.state).toBe('reconnecting');
    expect(service.history().at(-1)).toMatchObject({ errorKind: 'heartbeat-timeout' });
  });

  it('rebuilds a client stuck past stuckRetryThreshold on the next automatic check', async () => {
    create({ resilience: { stuckRetryThreshold: 3, autoResetInterval: 1000 } });
    service.start();
    const first = latest();
    first.drop(refused());
    first.drop(refused());
    await jest.advanceTimersByTimeAsync(1000);
    expect(clients).toHaveLength(1);
    first.drop(refused());
    expect(service.isStuckInRetry()).toBe(true);
    expect(service.status().stuck).toBe(true);

    await jest.advanceTimersByTimeAsync(1000);
    expect(clients).toHaveLength(2);
    expect(service.client).toBe(latest());
    expect(first.disconnect).toHaveBeenCalled();
    expect(first.listenerCount('ready')).toBe(0);
    expect(first.listenerCount('error')).toBe(1);
    expect(latest().connect).toHaveBeenCalled();
    expect(service.history().at(-1)).toMatchObject({
      to: 'reconnecting',
      errorKind: 'stuck-reset',
      message: expect.stringMatching(/^stuck: 3 reconnect attempts/),
    });
    expect(service.isStuckInRetry()).toBe(false);

    // Late events from the discarded client no longer reach the service.
    first.emit('ready');
    expect(service.state).toBe('reconnecting');
    latest().ready();
    expect(service.status().stats).toMatchObject({ forcedResets: 1, successfulReconnects: 1 });
  });

  it('rebuilds a client that stopped reporting anything while not ready', async () => {
    create({ connection: { connectTimeout: 100, commandTimeout: 100, maxRetryDelay: 200 }, resilience: { autoResetInterval: 500 } });
    service.start();
    latest().drop(refused());
    // stallMs = 2·(100 + 2·100 + 200) = 1000: the check at 1000 ms is not past it yet.
    await jest.advanceTimersByTimeAsync(1000);
    expect(clients).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(clients).toHaveLength(2);
    expect(service.history().at(-1)?.message).toMatch(/no connection progress/);
  });

  it('rebuilds a client that ended without scheduling a reconnect, after a backoff', async () => {
    create({ connection: { retryDelay: 100, maxRetryDelay: 1000 } });
    service.start();
    latest().ready();
    latest().emit('error', new Error('cannot create socket'));
    latest().status = 'end';
    latest().emit('end');
    expect(service.state).toBe('reconnecting');
    await jest.advanceTimersByTimeAsync(130);
    expect(clients).toHaveLength(2);
    expect(service.history().at(-1)).toMatchObject({
      errorKind: 'stuck-reset',
      message: expect.stringMatching(/ended without scheduling/),
    });
  });

  it('resets on request even when ready, and reports the result', async () => {
    create();
    service.start();
    latest().ready();
    const result = await service.forceReset('POST /api/redis/reset');
    expect(result).toMatchObject({
      reset: true,
      reason: 'POST /api/redis/reset',
      status: { state: 'reconnecting', stats: { forcedResets: 1 } },
    });
    expect(await service.forceResetIfStuck()).toBe(false);
  });

  it('keeps the current client when a fresh one cannot be built, and says why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-ca-'));
    const caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, 'PEM');
    create({ tls: { enabled: true, caFile } });
    service.start();
    fs.rmSync(dir, { recursive: true, force: true });
    const before = service.client;
    const result = await service.forceReset('rotate');
    expect(result).toMatchObject({ reset: false, reason: expect.stringMatching(/could not build a new client: ENOENT/) });
    expect(service.client).toBe(before);
  });

  it('does not reset a service that was never started', async () => {
    create();
    expect(await service.forceReset('early')).toMatchObject({ reset: false, status: { state: 'idle' } });
    expect(clients).toHaveLength(1);
  });

  it('emits error events only to listeners and never throws without one', () => {
    create();
    service.start();
    expect(() => latest().drop(refused())).not.toThrow();
    const errors: unknown[] = [];
    service.events.on('error', (e) => errors.push(e));
    latest().drop(refused());
    expect(errors).toEqual([{ kind: 'refused', message: 'connect ECONNREFUSED 127.0.0.1:6390' }]);
  });

  it('counts a connection the server closed without an error (e.g. SIGKILL) as a closed error, once per loss', () => {
    create();
    service.start();
    latest().ready();
    const errors: unknown[] = [];
    service.events.on('error', (e) => errors.push(e));
    latest().drop();
    expect(errors).toEqual([{ kind: 'closed', message: 'connection closed' }]);
    latest().drop(refused());
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ kind: 'refused' });
  });

  it('stop() quits the client, clears every timer and refuses resets afterwards', async () => {
    create();
    service.start();
    latest().ready();
    await service.stop();
    expect(latest().quit).toHaveBeenCalled();
    expect(service.state).toBe('stopped');
    expect(jest.getTimerCount()).toBe(0);
    expect(await service.forceReset('late')).toMatchObject({ reset: false });
    service.start();
    expect(service.state).toBe('stopped');
  });
});
