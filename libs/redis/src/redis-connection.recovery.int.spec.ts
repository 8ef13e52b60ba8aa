import { loadConfig } from '@rrl/config';
import { RedisServerProcess, waitFor, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';

/**
 * The promise (docs/testing.md, "recovery within 1 s"): on the production defaults
 * (config/default.json: backoff 100 ms doubling to a 1 s cap) a Redis that is back is tried again
 * within 1 s and used as soon as that attempt's handshake is done; one that stays down gets about
 * one connection attempt a second.
 */
const PROMISED_RETRY_MS = 1000;
/** The connect + AUTH/INFO handshake after the attempt fires: a few ms idle, this much on a starved core. */
const HANDSHAKE_ALLOWANCE_MS = 300;
/** Attempts counted at the cap before measuring the rate. */
const STEADY_ATTEMPTS = 4;

/** When a timer of `ms` set now actually fires: the same event loop runs the reconnect timer, so both are late alike. */
const timerFiredAt = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(performance.now()), ms));

describe('RedisConnectionService recovery on the production defaults', () => {
  let server: RedisServerProcess;
  let service: RedisConnectionService;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    const config = loadConfig({ env: {}, overrides: { redis: { host: '127.0.0.1', port: server.port } } });
    expect(config.redis.connection.maxRetryDelay).toBe(PROMISED_RETRY_MS);
    service = RedisConnectionService.create(config);
    service.start();
    await waitForState(service, 'ready');
  });

  afterAll(async () => {
    await service?.stop();
    await server?.stop();
  });

  it('a dead Redis gets about one attempt a second, never a wait over 1 s; a Redis that is back is used again within 1 s', async () => {
    const retries: { at: number; delayMs: number }[] = [];
    service.events.on('retry', ({ delayMs }) => retries.push({ at: performance.now(), delayMs }));
    await server.kill();
    await waitForState(service, 'reconnecting', 5000);
    const downAt = performance.now();
    // Past the first quick attempts (0.1 + 0.2 + 0.4 + 0.8 s), then a few at the cap.
    const steadyFrom = downAt + 2000;
    const steady = () => retries.filter((r) => r.at >= steadyFrom);
    await waitFor('attempts at the capped delay', () => steady().length >= STEADY_ATTEMPTS, 30_000);
    const perSecond = steady().length / ((performance.now() - steadyFrom) / 1000);
    expect(perSecond).toBeLessThanOrEqual(1.5); // about one a second, never hammering
    // Every wait between attempts is at most the promised second (the jitter is clamped to the cap).
    expect(Math.max(...retries.map((r) => r.delayMs))).toBeLessThanOrEqual(PROMISED_RETRY_MS);

    await server.start(); // resolves once redis-server logs "Ready to accept connections"
    const backAt = performance.now();
    // The pending attempt was scheduled ≤ 1 s before now, so it fires before a 1 s timer set now.
    const promisedBy = timerFiredAt(PROMISED_RETRY_MS);
    await waitForState(service, 'ready', 10_000);
    const readyAt = performance.now();
    const deadline = await promisedBy;
    console.log(
      `attempts while down: ${perSecond.toFixed(2)}/s; Redis accepting again → connection ready: ${Math.round(readyAt - backAt)} ms ` +
        `(a 1 s timer set then fired after ${Math.round(deadline - backAt)} ms)`,
    );
    expect(readyAt).toBeLessThanOrEqual(deadline + HANDSHAKE_ALLOWANCE_MS);
    expect(await service.client.ping()).toBe('PONG');
  }, 60_000);
});
