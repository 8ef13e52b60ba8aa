import { RedisServerProcess } from '@rrl/chaos';
import { loadConfig } from '@rrl/config';
import { waitForState } from '@rrl/testing';
import Redis from 'ioredis';
import { QUICK_RETRIES_FOR_MS } from './reconnect-delay';
import { RedisConnectionService } from './redis-connection.service';

/**
 * Recovery on the production defaults (config/default.json), against a real redis-server: Redis back
 * → the connection ready again within tens of milliseconds (the recovery probe), while a Redis that
 * stays unavailable past the quick phase gets at most one full connection attempt a second. The
 * limits leave room for a loaded machine; the figures themselves are measured by bench:faults.
 */
const BACK_WITHIN_MS = 300;
/** Past the quick phase, with a margin: the window in which the one-a-second bound holds. */
const OUTAGE_MS = QUICK_RETRIES_FOR_MS + 3000;

const PASSWORD = 'recovery-test-password';

async function connectionsReceived(server: RedisServerProcess, password = PASSWORD): Promise<number> {
  const admin = new Redis({ host: '127.0.0.1', port: server.port, password, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await admin.connect();
    return Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))![1]);
  } finally {
    admin.disconnect();
  }
}

describe('RedisConnectionService recovery on the production defaults', () => {
  let server: RedisServerProcess;
  let service: RedisConnectionService;
  let attempts: number[];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const attemptsSince = (t: number) => attempts.filter((a) => a >= t).length;

  beforeAll(async () => {
    server = await RedisServerProcess.start({ password: PASSWORD });
    const config = loadConfig({ env: {}, overrides: { redis: { host: '127.0.0.1', port: server.port, password: PASSWORD } } });
    service = RedisConnectionService.create(config);
    attempts = [];
    service.events.on('retry', () => attempts.push(Date.now()));
    service.start();
    await waitForState(service, 'ready');
  });

  afterAll(async () => {
    await service?.stop();
    await server?.stop();
  });

  it('a killed Redis gets at most one full attempt a second past the quick phase, and is used again within milliseconds of being back', async () => {
    await server.kill();
    await waitForState(service, 'reconnecting', 5000);
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const slowFrom = downAt + QUICK_RETRIES_FOR_MS;
    const perSecond = attemptsSince(slowFrom) / ((Date.now() - slowFrom) / 1000);
    expect(perSecond).toBeGreaterThan(0.5); // still trying
    expect(perSecond).toBeLessThanOrEqual(1);

    await server.start(); // resolves once redis-server logs "Ready to accept connections"
    const backAt = Date.now();
    await waitForState(service, 'ready', 10_000);
    const recoveryMs = Date.now() - backAt;
    console.log(`kill: full attempts past ${QUICK_RETRIES_FOR_MS} ms: ${perSecond.toFixed(2)}/s; Redis back → ready: ${recoveryMs} ms`);
    expect(recoveryMs).toBeLessThan(BACK_WITHIN_MS);
    expect(await service.client.ping()).toBe('PONG');
  }, 60_000);

  it('wrong credentials: one probe connection for the whole outage plus at most one full attempt a second; back within milliseconds of the password being restored', async () => {
    const other = 'rotated-password-for-the-test';
    const admin = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD });
    await admin.config('SET', 'requirepass', other);
    await admin.call('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'yes');
    await waitForState(service, 'auth-failed', 5000);
    const downAt = Date.now();
    await sleep(QUICK_RETRIES_FOR_MS);
    const before = await connectionsReceived(server, other);
    const from = Date.now();
    await sleep(3000);
    const after = await connectionsReceived(server, other);
    // Our own INFO connection is one of them.
    const perSecond = (after - before - 1) / ((Date.now() - from) / 1000);
    expect(Date.now() - downAt).toBeGreaterThan(QUICK_RETRIES_FOR_MS);
    expect(perSecond).toBeLessThanOrEqual(1.1);

    await admin.config('SET', 'requirepass', PASSWORD);
    const backAt = Date.now();
    admin.disconnect();
    await waitForState(service, 'ready', 10_000);
    const recoveryMs = Date.now() - backAt;
    console.log(`auth failure: connections at the server: ${perSecond.toFixed(2)}/s; password restored → ready: ${recoveryMs} ms`);
    expect(recoveryMs).toBeLessThan(BACK_WITHIN_MS);
  }, 60_000);

  it('paused: the connection is ready again within milliseconds of Redis answering, and what the probe cost is bounded', async () => {
    const before = await connectionsReceived(server);
    server.pause();
    await waitForState(service, 'reconnecting', 5000);
    await sleep(OUTAGE_MS);
    const pausedMs = OUTAGE_MS + 2000;
    server.unpause();
    const backAt = Date.now();
    await waitForState(service, 'ready', 10_000);
    const recoveryMs = Date.now() - backAt;
    const connections = (await connectionsReceived(server)) - before - 1;
    console.log(`pause: ${connections} connections reached the server over ~${pausedMs} ms paused; resumed → ready: ${recoveryMs} ms`);
    expect(recoveryMs).toBeLessThan(BACK_WITHIN_MS);
    // The probe's fresh sockets (one per 50 ms while none answers) plus the full attempts.
    expect(connections).toBeLessThanOrEqual((pausedMs / 50) * 1.2 + pausedMs / 1000 + 20);
  }, 60_000);
});
