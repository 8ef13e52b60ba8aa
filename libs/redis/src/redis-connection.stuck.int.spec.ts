import { freePort, RedisServerProcess, testRedisConfig, waitFor, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

describe('RedisConnectionService stuck-retry reset against a real redis-server', () => {
  let server: RedisServerProcess | undefined;
  let service: RedisConnectionService;

  afterAll(async () => {
    await service.stop();
    await server?.stop();
  });

  it('replaces a client stuck past the threshold with a fresh one that connects', async () => {
    const port = await freePort();
    // autoResetInterval far away: this test drives the check by hand.
    service = RedisConnectionService.create(testRedisConfig(port, { resilience: { stuckRetryThreshold: 3, autoResetInterval: 600_000 } }));
    service.start();
    await waitFor('stuck', () => service.isStuckInRetry(), 5000);
    const stuckClient = service.client;

    expect(await service.forceResetIfStuck()).toBe(true);
    expect(service.client).not.toBe(stuckClient);
    expect(service.isStuckInRetry()).toBe(false);
    const oldClientAttempts = jest.fn();
    stuckClient.on('connecting', oldClientAttempts);

    server = await RedisServerProcess.start({ port });
    await waitForState(service, 'ready', 5000);
    expect(await service.client.ping()).toBe('PONG');
    // Only the fresh client is connected; the discarded one has no reconnect pending: ioredis 6's
    // disconnect() clears the reconnect timer, and nothing else ever starts an attempt.
    const pendingReconnect = () => (stuckClient as unknown as { reconnectTimeout: NodeJS.Timeout | null }).reconnectTimeout;
    expect(pendingReconnect()).toBeNull();
    const clients = String(await service.client.client('LIST'))
      .trim()
      .split('\n');
    expect(clients).toHaveLength(1);
    expect(oldClientAttempts).not.toHaveBeenCalled();
    expect(service.status().stats).toMatchObject({ forcedResets: 1, successfulReconnects: 1 });
    expect(service.history().some((t) => t.errorKind === 'stuck-reset')).toBe(true);
    expect(await service.forceResetIfStuck()).toBe(false);
  });
});
