import { recordTransitions, RedisServerProcess, testRedisConfig, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

// A SIGSTOP'd redis-server keeps its sockets: TCP stays up, nothing answers. Without the
// heartbeat the client would believe it is connected until keepalive gives up (minutes).
describe('RedisConnectionService with a frozen (SIGSTOP) Redis', () => {
  let server: RedisServerProcess;
  let service: RedisConnectionService;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    // Production heartbeat values (500 ms interval, 1000 ms timeout) and commandTimeout 500.
    service = RedisConnectionService.create(testRedisConfig(server.port));
    service.start();
    await waitForState(service, 'ready');
  });

  afterAll(async () => {
    await service.stop();
    await server.stop();
  });

  it('detects the half-open connection within 2 s, fails commands within commandTimeout, recovers after SIGCONT', async () => {
    const transitions = recordTransitions(service);
    const pausedAt = Date.now();
    server.pause();

    const commandStarted = Date.now();
    await expect(service.client.get('k')).rejects.toThrow(/timed out/);
    const commandMs = Date.now() - commandStarted;
    expect(commandMs).toBeGreaterThanOrEqual(450);
    expect(commandMs).toBeLessThan(900);

    await waitForState(service, 'reconnecting', 2500);
    const detectedMs = Date.now() - pausedAt;
    expect(detectedMs).toBeLessThan(2000);
    expect(transitions[0]).toMatchObject({ from: 'ready', to: 'reconnecting', errorKind: 'heartbeat-timeout' });

    // While it stays frozen, commands are refused at once instead of piling up.
    const refusedStarted = Date.now();
    await expect(service.client.get('k')).rejects.toThrow();
    expect(Date.now() - refusedStarted).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1500));
    expect(service.state).toBe('reconnecting');

    server.unpause();
    await waitForState(service, 'ready', 5000);
    expect(await service.client.ping()).toBe('PONG');
    expect(service.status().stats.successfulReconnects).toBe(1);
    console.info(`half-open detected after ${detectedMs} ms, command failed after ${commandMs} ms`);
  });
});
