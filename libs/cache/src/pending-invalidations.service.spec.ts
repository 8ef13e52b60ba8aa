import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { RedisConnectionService } from '@rrl/redis';
import type { DatabaseConnectionService, InvalidationLog, InvalidationMark } from '@rrl/users';
import { LOG_RETRY_MS, PendingInvalidationsService } from './pending-invalidations.service';
import type { RedisCacheRepository } from './redis-cache.repository';

/** A promise settled by hand, to hold a database or Redis call where the test wants it. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The gate with fakes of its four neighbours: Redis events, the Redis DELs, the database and its log. */
function setup({ redisReady = false, rows = [] as InvalidationMark[] } = {}) {
  const state = { redisReady, dbConnected: true, rows: [...rows] };
  const redis = { events: new EventEmitter() };
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
  );
  gate.onApplicationBootstrap();
  return { gate, state, redis, redisCache, database, log };
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

  it('when the log cannot be read Redis serves, and reads retry the log in the background at most once per LOG_RETRY_MS', async () => {
    const { gate, redis, log } = setup({ redisReady: true });
    await settle();
    log.list.mockRejectedValue(new Error('database unavailable'));
    redis.events.emit('ready');
    await settle();
    const calls = log.list.mock.calls.length;
    expect(gate.bypasses('user:1')).toBe(false); // nothing else could answer
    expect(log.list).toHaveBeenCalledTimes(calls); // retried no sooner than LOG_RETRY_MS after the last try
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS - 1);
    gate.bypasses('user:1');
    await settle();
    expect(log.list).toHaveBeenCalledTimes(calls);
    await jest.advanceTimersByTimeAsync(1);
    expect(gate.bypasses('user:1')).toBe(false); // a background retry does not hold the read
    expect(gate.bypasses('user:1')).toBe(false); // nor the reads while it runs
    await settle();
    expect(log.list).toHaveBeenCalledTimes(calls + 1);

    log.list.mockResolvedValue([]);
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS);
    gate.bypasses('user:1');
    await settle();
    await jest.advanceTimersByTimeAsync(LOG_RETRY_MS);
    gate.bypasses('user:1');
    await settle();
    expect(log.list).toHaveBeenCalledTimes(calls + 2); // loaded: no more retries
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
});
