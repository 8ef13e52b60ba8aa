import { RedisHeartbeat } from './redis-heartbeat';

describe('RedisHeartbeat', () => {
  const never = () => new Promise<never>(() => undefined);
  let heartbeat: RedisHeartbeat | undefined;

  const make = (ping: () => Promise<unknown>) => {
    const onTimeout = jest.fn();
    const pingMock = jest.fn(ping);
    heartbeat = new RedisHeartbeat({ intervalMs: 500, timeoutMs: 1000, ping: pingMock, onTimeout });
    heartbeat.start();
    return { onTimeout, ping: pingMock };
  };

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    heartbeat?.stop();
    jest.useRealTimers();
  });

  it('stays quiet while PINGs are answered', async () => {
    const { onTimeout, ping } = make(() => Promise.resolve('PONG'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(ping).toHaveBeenCalledTimes(20);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('reports a PING left unanswered for timeoutMs, within interval + timeout of the freeze', async () => {
    const { onTimeout, ping } = make(never);
    await jest.advanceTimersByTimeAsync(1499);
    expect(onTimeout).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(onTimeout).toHaveBeenCalledWith(1000);
    // One PING in flight at most, and the heartbeat stops after reporting.
    expect(ping).toHaveBeenCalledTimes(1);
    expect(heartbeat?.running).toBe(false);
  });

  it('treats a command timeout as silence, not as an answer', async () => {
    const { onTimeout } = make(() => new Promise((_, reject) => setTimeout(() => reject(new Error('Command timed out')), 500)));
    await jest.advanceTimersByTimeAsync(1500);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('treats a reply error or a closed connection as an answer', async () => {
    const { onTimeout } = make(() => Promise.reject(new Error('Connection is closed.')));
    await jest.advanceTimersByTimeAsync(5000);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('sends nothing after stop()', async () => {
    const { ping } = make(() => Promise.resolve('PONG'));
    heartbeat?.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(ping).not.toHaveBeenCalled();
  });
});
