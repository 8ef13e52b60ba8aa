import { Redis } from 'ioredis';
import { pingOnce, waitFor } from '@rrl/testing';
import { RedisServerProcess } from '../process';
import { FaultProxy, type ToxicsChange } from './fault-proxy';

describe('FaultProxy (real redis-server, real ioredis clients)', () => {
  let server: RedisServerProcess;
  let proxy: FaultProxy;
  const clients: Redis[] = [];

  /** A long-lived client through the proxy that reports each failure instead of hiding it. */
  function client(opts: { commandTimeout?: number } = {}): Redis {
    const c = new Redis({
      host: '127.0.0.1',
      port: proxy.port,
      lazyConnect: true, // connected by the test, so connect errors are awaited there
      connectTimeout: 2000, // bounded: a black hole must not hang the test
      commandTimeout: opts.commandTimeout ?? 2000, // latency tests need slack; failure tests pass a short one
      maxRetriesPerRequest: 0, // one try: the test observes each fault directly
      retryStrategy: () => null, // no reconnect: a reset or refused connection stays visible
      enableOfflineQueue: false, // never queue while disconnected
    });
    c.on('error', () => undefined); // the tests assert on rejected commands and on `status`
    clients.push(c);
    return c;
  }

  const rtt = async (c: Redis) => {
    const t0 = performance.now();
    expect(await c.ping()).toBe('PONG');
    return performance.now() - t0;
  };

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: server.port } });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    for (const { name } of proxy.listToxics()) await proxy.removeToxic(name);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.kill();
  });

  it('forwards traffic untouched, counting connections and bytes', async () => {
    const c = client();
    await c.connect();
    expect(await c.ping()).toBe('PONG');
    const stats = proxy.stats();
    expect(stats).toMatchObject({ listening: true, port: proxy.port, connectionsOpen: 1, toxics: [] });
    expect(stats.connectionsTotal).toBeGreaterThanOrEqual(1);
    expect(stats.bytesUpstream).toBeGreaterThan(0);
    expect(stats.bytesDownstream).toBeGreaterThan(0);
  });

  it('latency adds at least the latency to a PING round trip, per direction', async () => {
    const c = client();
    await c.connect();
    // The bounds tell "one direction" from "both" and "removed" from "still there" with a whole
    // LATENCY of room each, so a busy shared 2-core runner cannot blur them (-5: ms timer rounding).
    const LATENCY = 500;
    const base = await rtt(c);
    await proxy.setToxic({ name: 'slow', type: 'latency', latencyMs: LATENCY });
    expect(base).toBeLessThan(LATENCY);
    expect(await rtt(c)).toBeGreaterThanOrEqual(2 * LATENCY - 5); // both directions by default
    await proxy.setToxic({ name: 'slow', type: 'latency', latencyMs: LATENCY, direction: 'downstream' });
    const oneWay = await rtt(c);
    expect(oneWay).toBeGreaterThanOrEqual(LATENCY - 5);
    expect(oneWay).toBeLessThan(2 * LATENCY - 5); // one direction only
    await proxy.removeToxic('slow');
    expect(await rtt(c)).toBeLessThan(LATENCY - 5); // back to normal
  });

  it('latency with jitter keeps byte order', async () => {
    const c = client();
    await c.connect();
    await c.del('order');
    await proxy.setToxic({ name: 'jittery', type: 'latency', latencyMs: 60, jitterMs: 50 });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 15; i++) {
      writes.push(c.append('order', `${i},`));
      await new Promise((r) => setTimeout(r, 5)); // separate chunks, so each gets its own delay
    }
    await Promise.all(writes);
    expect(await c.get('order')).toBe(Array.from({ length: 15 }, (_, i) => `${i},`).join(''));
  });

  it('blackhole: PING times out but the TCP connection stays open', async () => {
    const c = client({ commandTimeout: 500 });
    await c.connect();
    await proxy.setToxic({ name: 'void', type: 'blackhole' });
    await expect(c.ping()).rejects.toThrow(/timed out/i);
    expect(c.status).toBe('ready'); // the client still believes it is connected: half-open
    expect(proxy.stats().connectionsOpen).toBe(1);
    await expect(pingOnce(proxy.port, { timeoutMs: 300 })).rejects.toThrow(/timed out|ETIMEDOUT/i); // new connections too
    await proxy.removeToxic('void');
    expect(await pingOnce(proxy.port)).toBe('PONG');
  });

  it('reset_peer: open connections get ECONNRESET, new ones are reset at once', async () => {
    const c = client();
    await c.connect();
    const reset = new Promise<NodeJS.ErrnoException>((resolve) => c.once('error', resolve));
    await proxy.setToxic({ name: 'rst', type: 'reset_peer' });
    expect((await reset).code).toBe('ECONNRESET');
    await expect(pingOnce(proxy.port)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await proxy.removeToxic('rst');
    expect(await pingOnce(proxy.port)).toBe('PONG');
  });

  it('down: connects are refused and open connections closed; removing it listens again on the same port', async () => {
    const c = client();
    await c.connect();
    const port = proxy.port;
    await proxy.setToxic({ name: 'off', type: 'down' });
    await waitFor('client sees the close', () => c.status === 'end');
    await expect(pingOnce(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(proxy.stats().listening).toBe(false);
    await proxy.removeToxic('off');
    expect(proxy.port).toBe(port);
    expect(await pingOnce(port)).toBe('PONG');
  });

  it('bandwidth caps the throughput of a large GET', async () => {
    const c = client({ commandTimeout: 10_000 });
    await c.connect();
    const size = 200 * 1024;
    await c.set('big', 'x'.repeat(size));
    let t0 = performance.now();
    expect((await c.get('big'))?.length).toBe(size);
    const fast = performance.now() - t0;
    await proxy.setToxic({ name: 'thin', type: 'bandwidth', bytesPerSecond: 100 * 1024, direction: 'downstream' });
    t0 = performance.now();
    expect((await c.get('big'))?.length).toBe(size);
    const slow = performance.now() - t0;
    // Unthrottled, well under the throttled minimum below (room for a busy shared runner).
    expect(fast).toBeLessThan(1000);
    expect(slow).toBeGreaterThanOrEqual(1700); // 200 KiB at 100 KiB/s = 2 s, less the first 0.1 s slice
    expect(slow).toBeLessThan(6000);
  }, 15_000);

  it('emits an event for each toxic change', async () => {
    const changes: ToxicsChange[] = [];
    proxy.on('toxics', (c) => changes.push(c));
    await proxy.setToxic({ name: 'a', type: 'latency', latencyMs: 10 });
    await proxy.removeToxic('a');
    expect(changes.map((c) => [c.action, c.name, c.toxics.length])).toEqual([
      ['set', 'a', 1],
      ['removed', 'a', 0],
    ]);
    await expect(proxy.setToxic({ name: 'bad', type: 'bandwidth', bytesPerSecond: 0 })).rejects.toMatchObject({ statusCode: 400 });
  });
});
