import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@rrl/config';
import type { RedisStateTransition } from '@rrl/contracts';
import type { RedisConnectionService } from '@rrl/redis';
import type { DatabaseConnectionService } from '@rrl/database';
import type { InvalidationLog, InvalidationMark, UsersRepository } from '@rrl/users';
import { LOG_RETRY_MS } from './invalidation-log.loader';
import { LOG_POLL_MS } from './invalidation-log.poller';
import { REPLICATION_LAG_MARGIN_MS } from './node-switch.invalidator';
import { PendingInvalidationsService } from './pending-invalidations.service';
import type { RedisCacheRepository } from './redis-cache.repository';

/** A promise settled by hand, to hold a database or Redis call where the test wants it. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The gate with fakes of its neighbours: Redis events and history, the Redis DELs, the database, its log and the users. */
function setup({ redisReady = false, rows = [] as InvalidationMark[] } = {}) {
  const state = { redisReady, dbConnected: true, rows: [...rows], lastTransition: null as RedisStateTransition | null, lastRecoveryMs: 0 };
  const redis = {
    events: new EventEmitter(),
    isReady: () => state.redisReady,
    history: () => (state.lastTransition ? [state.lastTransition] : []),
    status: () => ({ stats: { lastRecoveryMs: state.lastRecoveryMs } }),
  };
  const users = { findIdsUpdatedSince: jest.fn((_since: Date, _limit: number) => Promise.resolve([] as number[])) };
  const redisCache = { isReady: () => state.redisReady, invalidate: jest.fn((_keys: readonly string[]) => Promise.resolve()) };
  const database = { events: new EventEmitter(), isConnected: () => state.dbConnected };
  const log = {
    record: jest.fn((marks: readonly InvalidationMark[]) => {
      for (const m of marks) state.rows = [...state.rows.filter(([k]) => k !== m[0]), m];
      return Promise.resolve();
    }),
    list: jest.fn(() => Promise.resolve([...state.rows])),
    clear: jest.fn((marks: readonly InvalidationMark[]) => {
      state.rows = state.rows.filter(([k, t]) => !marks.some(([mk, mt]) => mk === k && mt === t));
      return Promise.resolve();
    }),
  };
  const gate = new PendingInvalidationsService(
    redis as unknown as RedisConnectionService,
    redisCache as unknown as RedisCacheRepository,
    database as unknown as DatabaseConnectionService,
    log as unknown as InvalidationLog,
    users as unknown as UsersRepository,
    loadConfig({ env: {} }),
  );
  gate.onApplicationBootstrap();
  return { gate, state, redis, redisCache, database, log, users };
}

/** Lets the gate's promise chains (log read, flush) run. */
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('PendingInvalidationsService (the no-stale-read gate)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('marks the keys of a write that missed Redis, bypasses them, and deletes them once Redis is ready again', async () => {
    const { gate, state, redis, redisCache, log } = setup();
    await settle(); // the log read at boot (empty)
    await gate.writeMissed(['user:1', 'user:email:a@example.test'], 'Connection is closed.');
    expect(log.record).toHaveBeenCalledTimes(1);
    expect(state.rows.map(([k]) => k)).toEqual(['user:1', 'user:email:a@example.test']);
    expect(gate.bypasses('user:1')).toBe(true);
    expect(gate.bypasses('user:2')).toBe(false);
    expect(gate.size).toBe(2);
    expect(redisCache.invalidate).not.toHaveBeenCalled(); // Redis is not ready: nothing to flush into

    state.redisReady = true;
    redis.events.emit('ready');
    await settle();
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:1', 'user:email:a@example.test']);
    expect(gate.bypasses('user:1')).toBe(false);
    expect(gate.size).toBe(0);
    expect(state.rows).toEqual([]);
  });

  it('after a Redis ready, every read bypasses Redis until the log has been read: another process may have marked keys', async () => {
    const { gate, state, redis, redisCache, log } = setup({ redisReady: true });
    await settle();
    const reading = deferred<InvalidationMark[]>();
    log.list.mockReturnValueOnce(reading.promise);
    redis.events.emit('ready');
    expect(gate.bypasses('user:7')).toBe(true);
    expect(gate.bypasses('user:8')).toBe(true);
    state.rows = [['user:7', 'other-process:1']];
    reading.resolve([...state.rows]);
    await settle();
    // Marked by the other process: deleted in Redis before it serves the key again.
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:7']);
    expect(gate.bypasses('user:7')).toBe(false);
    expect(gate.bypasses('user:8')).toBe(false);
    expect(state.rows).toEqual([]);
  });

  it('when the log cannot be read Redis serves, and a later read retries it (InvalidationLogLoader) and deletes what it found', async () => {
    const { gate, state, redis, redisCache, log } = setup({ redisReady: true });
    await settle();
    log.list.mockRejectedValueOnce(new Error('database unavailable'));
    redis.events.emit('ready');
    await settle();
    expect(gate.bypasses('user:1')).toBe(false); // nothing else could answer
    state.rows = [['user:1', 'other-process:1']];
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS);
    gate.bypasses('user:1');
    await settle();
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:1']);
    expect(state.rows).toEqual([]);
  });

  it('a key marked again while its flush runs stays pending, in memory and in the log', async () => {
    const { gate, state, redis, redisCache } = setup();
    await settle();
    await gate.writeMissed(['user:3'], 'Command timed out');
    const [[, oldToken]] = state.rows;
    const deleting = deferred<void>();
    redisCache.invalidate.mockReturnValueOnce(deleting.promise);
    state.redisReady = true;
    redis.events.emit('ready');
    await settle();
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:3']);
    await gate.writeMissed(['user:3'], 'Command timed out'); // a newer write, after the DEL was sent
    deleting.resolve();
    await settle();
    expect(gate.bypasses('user:3')).toBe(true);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0][1]).not.toBe(oldToken);
  });

  it('a failed flush leaves the keys pending for the next read to retry', async () => {
    const { gate, state, redisCache } = setup({ redisReady: true });
    await settle();
    redisCache.invalidate.mockRejectedValueOnce(new Error('Connection is closed.'));
    state.redisReady = false;
    await gate.writeMissed(['user:4'], 'Connection is closed.');
    state.redisReady = true;
    expect(gate.bypasses('user:4')).toBe(true); // starts a flush, which fails
    await settle();
    expect(gate.size).toBe(1);
    expect(gate.bypasses('user:4')).toBe(true); // the next read tries again
    await settle();
    expect(gate.size).toBe(0);
    expect(redisCache.invalidate).toHaveBeenCalledTimes(2);
  });

  it('holds one mark per key however many writes miss Redis, and none once they are flushed (a long outage costs no memory per write)', async () => {
    const { gate, state, redis } = setup();
    await settle();
    // A writer at 20 writes/s for 100 s, over 200 users (their key and their email mapping).
    for (let i = 0; i < 2_000; i++) await gate.writeMissed([`user:${i % 200}`, `user:email:u${i % 200}@example.test`], 'circuit open');
    expect(gate.size).toBe(400);
    expect(state.rows).toHaveLength(400);
    state.redisReady = true;
    redis.events.emit('ready');
    await settle();
    expect(gate.size).toBe(0);
    expect(state.rows).toEqual([]);
  });

  it('the test-only switch: "memory" keeps the marks out of the log, "off" keeps none', async () => {
    const { gate, state, log } = setup();
    await settle();
    gate.bookkeeping = 'memory';
    await gate.writeMissed(['user:5'], 'circuit open');
    expect(gate.bypasses('user:5')).toBe(true);
    expect(log.record).not.toHaveBeenCalled();
    expect(state.rows).toEqual([]);
    gate.bookkeeping = 'off';
    await gate.writeMissed(['user:6'], 'circuit open');
    expect(gate.bypasses('user:6')).toBe(false);
  });

  it('after a switch to another node, deletes the users written shortly before the old master went away, before the new one serves them', async () => {
    const { gate, state, redis, redisCache, users } = setup({ redisReady: true });
    await settle();
    jest.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    users.findIdsUpdatedSince.mockResolvedValueOnce([41, 42]);
    state.lastRecoveryMs = 2000;
    state.lastTransition = { at: '', from: 'reconnecting', to: 'ready', attempt: 1, node: '10.0.0.2:6379', previousNode: '10.0.0.1:6379' };
    redis.events.emit('ready');
    expect(gate.bypasses('user:41')).toBe(true);
    await settle();
    // Since the outage began (2 s ago), minus the margin for replication lag.
    expect(users.findIdsUpdatedSince).toHaveBeenCalledWith(
      new Date(Date.parse('2026-01-01T00:00:10Z') - 2000 - REPLICATION_LAG_MARGIN_MS),
      expect.any(Number),
    );
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:41', 'user:42']);
    expect(gate.bypasses('user:41')).toBe(false);

    // A reconnect to the same node is no switch: nothing to re-delete.
    state.lastTransition = { at: '', from: 'reconnecting', to: 'ready', attempt: 1, node: '10.0.0.2:6379' };
    redis.events.emit('ready');
    await settle();
    expect(users.findIdsUpdatedSince).toHaveBeenCalledTimes(1);
  });

  it('while its own Redis is up, learns within LOG_POLL_MS of marks another instance recorded, and deletes those keys', async () => {
    const { gate, state, redisCache } = setup({ redisReady: true });
    await settle();
    expect(gate.bypasses('user:9')).toBe(false);
    // Another instance, cut off from Redis, renamed user 9: Redis here still holds the old value.
    state.rows = [['user:9', 'other-instance:1']];
    await jest.advanceTimersByTimeAsync(LOG_POLL_MS);
    expect(redisCache.invalidate).toHaveBeenCalledWith(['user:9']);
    expect(state.rows).toEqual([]);
    expect(gate.bypasses('user:9')).toBe(false); // deleted: the next read fills it from the database

    // Not while its own Redis is down: reads do not use it, and its next ready reads the log.
    state.redisReady = false;
    state.rows = [['user:10', 'other-instance:2']];
    redisCache.invalidate.mockClear();
    await jest.advanceTimersByTimeAsync(3 * LOG_POLL_MS);
    expect(redisCache.invalidate).not.toHaveBeenCalled();
    gate.onModuleDestroy();
  });
});
