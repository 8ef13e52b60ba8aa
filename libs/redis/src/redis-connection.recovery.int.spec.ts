import { loadConfig } from '@rrl/config';
import { RedisServerProcess, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

/**
 * Recovery within a second on the production defaults (config/default.json: backoff 100 ms
 * doubling to a 1 s cap): a Redis that stays down gets about one connection attempt a second, one
 * that is back is used again within a backoff step. The goal is ≤ 1 s (median) / 1.5 s
 * (max); the limits here leave room for a loaded machine (speed claims live in bench/).
 */
describe('RedisConnectionService recovery on the production defaults', () => {
  let server: RedisServerProcess;
  let service: RedisConnectionService;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    const config = loadConfig({ env: {}, overrides: { redis: { host: '127.0.0.1', port: server.port } } });
    service = RedisConnectionService.create(config);
    service.start();
    await waitForState(service, 'ready');
  });

  afterAll(async () => {
    await service?.stop();
    await server?.stop();
  });

  it('a dead Redis gets about one attempt a second; a Redis that is back is used again within about a second', async () => {
    const attempts: number[] = [];
    service.events.on('retry', () => attempts.push(Date.now()));
    await server.kill();
    await waitForState(service, 'reconnecting', 5000);
    const downAt = Date.now();
    // Past the first quick attempts (0.1 + 0.2 + 0.4 + 0.8 s), then 5 s at the cap.
    await new Promise((r) => setTimeout(r, 7000));
    const steady = attempts.filter((t) => t >= downAt + 2000);
    const perSecond = steady.length / ((Date.now() - downAt - 2000) / 1000);
    expect(perSecond).toBeGreaterThan(0.5); // still trying
    expect(perSecond).toBeLessThanOrEqual(1.5); // about one a second, never hammering

    await server.start(); // resolves once redis-server logs "Ready to accept connections"
    const backAt = Date.now();
    await waitForState(service, 'ready', 10_000);
    const recoveryMs = Date.now() - backAt;
    console.log(`attempts while down: ${perSecond.toFixed(2)}/s; Redis accepting again → connection ready: ${recoveryMs} ms`);
    expect(recoveryMs).toBeLessThan(3000); // one capped backoff step (≤ 1 s) plus the handshake, with headroom
    expect(await service.client.ping()).toBe('PONG');
  }, 60_000);
});
