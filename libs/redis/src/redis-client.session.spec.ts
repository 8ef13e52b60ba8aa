import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { RedisClientSession, type RedisClientSessionHandlers } from './redis-client.session';

class FakeClient extends EventEmitter {
  status = 'wait';
  reconnectTimeout: NodeJS.Timeout | null = null;
  readonly connect = jest.fn(async () => void (this.status = 'connecting'));
  readonly disconnect = jest.fn();
}

describe('RedisClientSession (fake client, fake timers)', () => {
  let fake: FakeClient;
  let calls: string[];
  let session: RedisClientSession;

  beforeEach(() => {
    jest.useFakeTimers();
    fake = new FakeClient();
    calls = [];
    const record =
      (name: string) =>
      (...args: unknown[]) =>
        calls.push(`${name} ${JSON.stringify(args)}`);
    const handlers: RedisClientSessionHandlers = {
      error: record('error'),
      ready: record('ready'),
      retry: record('retry'),
      end: record('end'),
      closedWithoutError: record('closed'),
    };
    session = new RedisClientSession(fake as unknown as Redis, ['s3cret'], handlers);
  });

  afterEach(() => jest.useRealTimers());

  it('reports a failure classified and redacted, and its kind until the retry is scheduled', () => {
    fake.emit('error', new Error('WRONGPASS s3cret rejected'));
    expect(session.pendingErrorKind).toBe('auth');
    fake.emit('reconnecting', 1000);
    expect(calls).toEqual([
      'error [{"kind":"auth","message":"WRONGPASS *** rejected"}]',
      'retry [{"kind":"auth","message":"WRONGPASS *** rejected"},1000]',
    ]);
    expect(session.attempts).toBe(1);
    expect(session.pendingErrorKind).toBeNull();
  });

  it('counts a close without an error as a "closed" failure', () => {
    fake.emit('reconnecting', 100);
    expect(calls[0]).toMatch(/^closed .*"kind":"closed"/);
    expect(calls[1]).toMatch(/^retry /);
  });

  it("starts a waiting reconnect at once, and clears ioredis' timer so no second attempt follows", () => {
    const later = jest.fn();
    fake.status = 'reconnecting';
    fake.reconnectTimeout = setTimeout(later, 1000);
    expect(session.reconnectNow()).toBe(true);
    expect(fake.connect).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(2000);
    expect(later).not.toHaveBeenCalled();
    expect(session.reconnectNow()).toBe(false); // now connecting: nothing waits
  });

  it('reports nothing once discarded', () => {
    session.discard();
    fake.emit('ready');
    fake.emit('error', new Error('late'));
    expect(calls).toEqual([]);
    expect(fake.disconnect).toHaveBeenCalled();
  });
});
