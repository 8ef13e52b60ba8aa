import { recordTransitions, RedisServerProcess, testRedisConfig, waitFor, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

// A SIGSTOP'd redis-server keeps its sockets: TCP stays up, nothing answers. Without the
// heartbeat the client would believe it is connected until keepalive gives up (minutes).
/** heartbeatInterval + heartbeatTimeout (production values, used here). */
const HEARTBEAT_BUDGET_MS = 500 + 1000;
/** Room for timers that fire late when the 2-core runner is busy with other suites. */
const SCHEDULING_HEADROOM_MS = 1000;

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

  it('detects the half-open connection by its heartbeat, fails commands by commandTimeout, recovers after SIGCONT', async () => {
    const transitions = recordTransitions(service);
    const retries: { attempt: number; errorKind: string }[] = [];
    service.events.on('retry', (r) => retries.push(r));
    const pausedAt = Date.now();
    server.pause();

    const commandStarted = Date.now();
    await expect(service.client.get('k')).rejects.toThrow(/timed out/);
    const commandMs = Date.now() - commandStarted;
    // Failed by the 500 ms command timeout, not by the kernel's keepalive (minutes). The upper bound
    // leaves a shared 2-core runner room for late timers (measured 502-513 ms on an idle one).
    expect(commandMs).toBeGreaterThanOrEqual(450);
    expect(commandMs).toBeLessThan(500 + SCHEDULING_HEADROOM_MS);

    await waitForState(service, 'reconnecting', HEARTBEAT_BUDGET_MS + SCHEDULING_HEADROOM_MS);
    const detectedMs = Date.now() - pausedAt;
    // Detected by the heartbeat within its budget (interval 500 + timeout 1000 = 1.5 s; measured
    // 1.51-1.59 s, the README's < 2 s), plus room for a busy runner's late timers.
    expect(detectedMs).toBeLessThan(HEARTBEAT_BUDGET_MS + SCHEDULING_HEADROOM_MS);
    expect(transitions[0]).toMatchObject({ from: 'ready', to: 'reconnecting', errorKind: 'heartbeat-timeout' });

    // While it stays frozen, commands are refused at once (no offline queue) instead of piling up
    // until the command timeout.
    await expect(service.client.get('k')).rejects.toThrow(/OfflineQueue/);
    // A reconnect attempt against the frozen server times out, and the connection stays down.
    await waitFor('a reconnect attempt to the frozen server failed', () => retries.some((r) => r.attempt >= 2), 10_000);
    expect(service.state).toBe('reconnecting');
    expect(transitions.map((t) => t.to)).not.toContain('ready');

    server.unpause();
    await waitForState(service, 'ready', 5000);
    expect(await service.client.ping()).toBe('PONG');
    expect(service.status().stats.successfulReconnects).toBe(1);
    console.info(`half-open detected after ${detectedMs} ms, command failed after ${commandMs} ms`);
  });
});
