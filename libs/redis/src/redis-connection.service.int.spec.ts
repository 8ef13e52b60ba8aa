import { freePort, recordTransitions, RedisServerProcess, testRedisConfig, waitFor, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

describe('RedisConnectionService against a real redis-server', () => {
  const services: RedisConnectionService[] = [];
  const servers: RedisServerProcess[] = [];
  const track = <T extends RedisConnectionService | RedisServerProcess>(x: T): T => {
    if (x instanceof RedisConnectionService) services.push(x);
    else servers.push(x);
    return x;
  };

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('connects, serves commands and reports the endpoint without credentials', async () => {
    const server = track(await RedisServerProcess.start({ password: 'pw-basic' }));
    const service = track(RedisConnectionService.create(testRedisConfig(server.port, { password: 'pw-basic' })));
    service.start();
    await waitForState(service, 'ready');

    await service.client.set('k', 'v');
    expect(await service.client.get('k')).toBe('v');
    const status = service.status();
    expect(status).toMatchObject({ state: 'ready', attempt: 0, stuck: false, endpoint: `redis://127.0.0.1:${server.port}/0` });
    expect(JSON.stringify(status)).not.toContain('pw-basic');
    expect(service.history().map((t) => `${t.from}>${t.to}`)).toEqual(['idle>connecting', 'connecting>ready']);
  });

  it('survives SIGKILL: reconnects with growing delays and is ready again once the same port is back', async () => {
    const server = track(await RedisServerProcess.start());
    const service = track(RedisConnectionService.create(testRedisConfig(server.port)));
    const delays: number[] = [];
    service.events.on('retry', (r) => delays.push(r.delayMs));
    service.start();
    await waitForState(service, 'ready');
    const transitions = recordTransitions(service);

    await server.kill();
    await waitForState(service, 'reconnecting', 3000);
    // Commands fail at once instead of queueing for the outage.
    const started = Date.now();
    await expect(service.client.get('k')).rejects.toThrow(/OfflineQueue|Connection is closed/);
    // Queued, it would wait for the server's return (seconds away); the bound leaves a busy runner room.
    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor('five reconnect attempts', () => delays.length >= 5);
    await server.start();
    await waitForState(service, 'ready', 5000);

    // 50·2^(n-1) ±20%, capped at 500: 40..60, 80..120, 160..240, 320..480, 400..500.
    expect(delays[0]).toBeLessThanOrEqual(60);
    expect(delays[3]).toBeGreaterThan(delays[0]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(500);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['ready>reconnecting', 'reconnecting>ready']);
    expect(transitions[1].attempt).toBeGreaterThanOrEqual(5);
    const stats = service.status().stats;
    expect(stats).toMatchObject({ successfulReconnects: 1, reconnectSuccessRate: 1, currentOutageMs: null, forcedResets: 0 });
    expect(stats.lastRecoveryMs).toBeGreaterThan(0);
    expect(stats.attempts).toBeGreaterThanOrEqual(5);
    expect(await service.client.ping()).toBe('PONG');
    console.info(`retry delays ${delays.join(', ')} ms; outage ${stats.lastRecoveryMs} ms over ${stats.attempts} attempts`);
  });

  it('boots with nothing listening without throwing, then becomes ready when Redis appears', async () => {
    const port = await freePort();
    const service = track(RedisConnectionService.create(testRedisConfig(port)));
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      expect(() => service.start()).not.toThrow();
      expect(['connecting', 'reconnecting']).toContain(service.state);
      await waitForState(service, 'reconnecting', 3000);
      expect(service.status().lastError?.kind).toBe('refused');
      expect(service.status().stats.currentOutageMs).toBeGreaterThanOrEqual(0);

      track(await RedisServerProcess.start({ port }));
      await waitForState(service, 'ready', 5000);
      expect(service.status().stats.successfulReconnects).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('reports an unresolvable host as a DNS problem and keeps retrying', async () => {
    const service = track(RedisConnectionService.create(testRedisConfig(6379, { host: 'no-such-host.invalid' })));
    service.start();
    await waitForState(service, 'reconnecting', 5000);
    expect(service.status().lastError?.kind).toBe('dns');
  });

  it('stop() quits the client, ends in "stopped" and is idempotent', async () => {
    const server = track(await RedisServerProcess.start());
    const service = RedisConnectionService.create(testRedisConfig(server.port));
    service.start();
    await waitForState(service, 'ready');
    await Promise.all([service.stop(), service.stop()]);
    expect(service.state).toBe('stopped');
    expect(service.client.status).toBe('end');
    await expect(service.client.get('k')).rejects.toThrow();
    expect(service.history().at(-1)).toMatchObject({ from: 'ready', to: 'stopped' });
  });
});
