import { recordTransitions, RedisServerProcess, testRedisConfig, waitFor, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

// A SIGSTOP'd redis-server keeps its sockets: TCP stays up, nothing answers. Without the
// heartbeat the client would believe it is connected until keepalive gives up (minutes).
/** heartbeatInterval + heartbeatTimeout (production values, used here). */
const HEARTBEAT_BUDGET_MS = 500 + 1000;
/** The production commandTimeout (config/default.json), the budget of one command. */
const COMMAND_TIMEOUT_MS = 500;
/** Two timers of one length armed a few ticks apart fire this close together (measured: 1 ms). */
const TIMER_SKEW_MS = 25;
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

    // The promise (docs/testing.md, "no read waits more than 500 ms on Redis"): a command to a frozen
    // Redis fails after commandTimeout. A timer of the same length set with it is late by as much as
    // the client's own on a busy machine, so the command fails when that one fires, give or take the
    // ticks between ioredis arming its timer and this one (TIMER_SKEW_MS).
    const commandStarted = performance.now();
    const failed = service.client.get('k').then(
      () => Promise.reject(new Error('a frozen Redis answered')),
      (e: Error) => ({ at: performance.now(), message: e.message }),
    );
    const budgetEnd = new Promise<number>((r) => setTimeout(() => r(performance.now()), COMMAND_TIMEOUT_MS));
    const { at: failedAt, message } = await failed;
    expect(message).toMatch(/timed out/);
    const commandMs = Math.round(failedAt - commandStarted);
    expect(commandMs).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5); // the timeout, not the kernel's keepalive
    expect(failedAt).toBeLessThanOrEqual((await budgetEnd) + TIMER_SKEW_MS);

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
