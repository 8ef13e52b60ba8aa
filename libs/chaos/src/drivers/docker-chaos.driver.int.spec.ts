import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AppError, LogLine } from '@rrl/contracts';
import { Redis } from 'ioredis';
import {
  buildRedisImage,
  ensureDocker,
  pingOnce,
  removeContainer,
  runLabelledRedis,
  uniqueContainerName,
  waitFor,
  type RunningContainer,
} from '@rrl/testing';
import { supportsRedisAuthChaos } from './chaos-driver';
import { COMPOSE_PROJECT_LABEL, DockerChaosDriver } from './docker-chaos.driver';

const exec = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../../..');

describe('DockerChaosDriver (real Docker engine)', () => {
  let target: RunningContainer;
  let unlabelled: RunningContainer;
  // stop -t 2: redis-server exits on SIGTERM at once; a short grace keeps a hung stop from eating the test.
  const driver = new DockerChaosDriver({ stopTimeoutSec: 2 });
  const state = async () => (await driver.inspect(target.id)).state;

  beforeAll(async () => {
    await ensureDocker(); // fails, never skips, without an engine
    await buildRedisImage();
    [target, unlabelled] = await Promise.all([
      runLabelledRedis({ name: uniqueContainerName('rrl-chaos-driver') }),
      runLabelledRedis({ name: uniqueContainerName('rrl-no-chaos'), chaos: false }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([target && removeContainer(target.id), unlabelled && removeContainer(unlabelled.id)]);
  });

  it('lists only containers labelled resilience-lab.chaos=true, with kind and endpoint', async () => {
    const targets = await driver.list();
    const mine = targets.find((t) => target.id.startsWith(t.id));
    expect(mine).toMatchObject({
      name: target.name,
      kind: 'redis',
      driver: 'docker',
      state: 'running',
      endpoint: { host: '127.0.0.1', port: target.port },
    });
    expect(targets.some((t) => unlabelled.id.startsWith(t.id))).toBe(false);
  });

  it('refuses an unlabelled container with 403 naming it and the label, and an unknown one with 404', async () => {
    for (const act of [() => driver.kill(unlabelled.id), () => driver.pause(unlabelled.name), () => driver.inspect(unlabelled.id)]) {
      const err = (await act().catch((e: unknown) => e)) as AppError;
      expect(err).toMatchObject({ statusCode: 403, code: 'TARGET_NOT_CHAOS_ENABLED' });
      expect(err.message).toContain(unlabelled.name);
      expect(err.message).toContain('resilience-lab.chaos=true');
    }
    const followError = await new Promise<Error>((resolve) => driver.followLogs(unlabelled.id, () => undefined, resolve));
    expect(followError).toMatchObject({ statusCode: 403, code: 'TARGET_NOT_CHAOS_ENABLED' });
    expect(await pingOnce(unlabelled.port)).toBe('PONG'); // untouched
    await expect(driver.stop('rrl-no-such-container')).rejects.toMatchObject({ statusCode: 404, code: 'TARGET_NOT_FOUND' });
  });

  it('kill crashes the server; start brings it back on the same port', async () => {
    await driver.kill(target.id);
    expect(await state()).toBe('exited');
    await expect(pingOnce(target.port)).rejects.toThrow();
    await driver.start(target.id);
    expect(await state()).toBe('running');
    expect(await waitFor('PONG after start', () => pingOnce(target.port).catch(() => null))).toBe('PONG');
  }, 30_000);

  it('stop and start are idempotent', async () => {
    await driver.stop(target.id);
    await driver.stop(target.id);
    expect(await state()).toBe('stopped');
    await expect(pingOnce(target.port)).rejects.toThrow();
    await driver.start(target.id);
    await driver.start(target.id);
    expect(await state()).toBe('running');
    expect(await waitFor('PONG after start', () => pingOnce(target.port).catch(() => null))).toBe('PONG');
  }, 30_000);

  it('restart keeps the server down for the downtime, then serves again', async () => {
    const t0 = Date.now();
    const restarting = driver.restart(target.id, 1500);
    await waitFor('container stopped', async () => (await state()) === 'stopped', 10_000, 50);
    await expect(pingOnce(target.port, { timeoutMs: 300 })).rejects.toThrow();
    await restarting;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(await state()).toBe('running');
    expect(await waitFor('PONG after restart', () => pingOnce(target.port).catch(() => null))).toBe('PONG');
  }, 30_000);

  it('pause freezes the server (PING on an open connection times out), unpause answers again', async () => {
    const live = new Redis({
      host: '127.0.0.1',
      port: target.port,
      lazyConnect: true, // connected below, before the pause
      commandTimeout: 500, // a frozen server accepts bytes but never answers
      maxRetriesPerRequest: 0, // report the timeout instead of retrying
      retryStrategy: () => null, // the point is that this very connection survives the pause
      enableOfflineQueue: false, // nothing to queue: the connection stays up
    });
    live.on('error', () => undefined); // failures surface through the rejected commands
    try {
      await live.connect();
      await driver.pause(target.id);
      await driver.pause(target.id); // idempotent
      expect(await state()).toBe('paused');
      const t0 = Date.now();
      await expect(live.ping()).rejects.toThrow(/timed out/i);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
      await expect(pingOnce(target.port, { timeoutMs: 500 })).rejects.toThrow(/timed out|ETIMEDOUT/i); // new connections too
      await driver.unpause(target.id);
      expect(await state()).toBe('running');
      expect(await live.ping()).toBe('PONG');
      expect(live.status).toBe('ready');
    } finally {
      live.disconnect();
    }
  }, 30_000);

  it('stop and kill also work on a paused container', async () => {
    await driver.pause(target.id);
    // Thawed first: frozen, the container would ignore SIGTERM and be killed only after the stop
    // timeout (10 s for this driver); thawed, redis-server stops in milliseconds. The bound tells the
    // two apart with room for a busy shared 2-core runner.
    const patient = new DockerChaosDriver({ stopTimeoutSec: 10 });
    const t0 = Date.now();
    await patient.stop(target.id);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(await state()).toBe('stopped');
    await driver.start(target.id);
    await driver.pause(target.id);
    await driver.kill(target.id);
    expect(await state()).toBe('exited');
    await driver.start(target.id);
    expect(await waitFor('PONG after start', () => pingOnce(target.port).catch(() => null))).toBe('PONG');
  }, 30_000);

  it('refuses to pause a stopped container with 409', async () => {
    await driver.stop(target.id);
    await expect(driver.pause(target.id)).rejects.toMatchObject({ statusCode: 409 });
    await driver.start(target.id);
    await waitFor('PONG after start', () => pingOnce(target.port).catch(() => null));
  }, 30_000);

  it('returns the recent log lines, demultiplexed', async () => {
    const lines = await driver.logs(target.id, 10);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.some((l) => l.stream === 'stdout' && /Ready to accept connections/.test(l.line))).toBe(true);
    expect(lines.every((l) => !Number.isNaN(Date.parse(l.at)))).toBe(true);
  });

  it('follows logs across restarts: lines from every run, none twice', async () => {
    const lines: LogLine[] = [];
    const readyLines = () => lines.filter((l) => /Ready to accept/.test(l.line)).length;
    const follower = driver.followLogs(target.id, (l) => lines.push(l));
    try {
      await follower.ready;
      for (let run = 1; run <= 3; run++) {
        await driver.restart(target.id, 200);
        await waitFor(`restart ${run} logged`, () => readyLines() >= run, 10_000);
      }
      // A repeated line of runs 1 or 2 would come from a re-attachment, before run 3's own lines.
      const text = lines.map((l) => l.line);
      expect(text.some((l) => /shutdown|ready to exit/i.test(l))).toBe(true); // the run being stopped
      expect(text.filter((l) => /Ready to accept/.test(l))).toHaveLength(3); // each new run, once
    } finally {
      follower.close();
    }
    await waitFor('PONG after restarts', () => pingOnce(target.port).catch(() => null));
  }, 40_000);

  it('a network partition cuts the server off; reconnecting heals it', async () => {
    await driver.networkDisconnect(target.id);
    await expect(pingOnce(target.port, { timeoutMs: 500 })).rejects.toThrow();
    await driver.networkConnect(target.id);
    expect(await waitFor('PONG after reconnect', () => pingOnce(target.port).catch(() => null), 10_000)).toBe('PONG');
  }, 30_000);

  it('rotates a Redis password live; a restart brings the configured one back', async () => {
    const guarded = await runLabelledRedis({ name: uniqueContainerName('rrl-chaos-auth'), password: 'pw-1' });
    try {
      expect(supportsRedisAuthChaos(driver)).toBe(true);
      await driver.setRedisPassword(guarded.id, 'pw-2');
      await expect(pingOnce(guarded.port, { password: 'pw-1' })).rejects.toThrow(/WRONGPASS/);
      expect(await pingOnce(guarded.port, { password: 'pw-2' })).toBe('PONG');
      await driver.setRedisPassword(guarded.id, 'pw-3'); // the driver knows the current one
      expect(await pingOnce(guarded.port, { password: 'pw-3' })).toBe('PONG');
      await driver.restart(guarded.id, 0);
      await waitFor('PONG with the configured password', () => pingOnce(guarded.port, { password: 'pw-1' }).catch(() => null));
      await driver.setRedisPassword(guarded.id, null); // after a restart it starts from --requirepass again
      expect(await pingOnce(guarded.port)).toBe('PONG');
    } finally {
      await removeContainer(guarded.id);
    }
  }, 30_000);

  it('an open follow stream does not keep Node alive', async () => {
    // A separate Node process opens a follow stream, restarts the container, and holds itself open
    // (an interval) until a line arrives. Then only the stream is left: the process must exit by
    // itself, or exec's timeout kills it and the test fails.
    const script = `
      const { DockerChaosDriver } = require('@rrl/chaos');
      const driver = new DockerChaosDriver({ stopTimeoutSec: 2 });
      const hold = setInterval(() => undefined, 1000);
      let n = 0;
      driver.followLogs(${JSON.stringify(target.id)}, () => {
        if (n++ === 0) { clearInterval(hold); console.log('line arrived'); }
      });
      void driver.restart(${JSON.stringify(target.id)}, 0);
    `;
    const { stdout } = await exec(process.execPath, ['-r', 'esbuild-register', '--conditions=@rrl/source', '-e', script], {
      cwd: repoRoot,
      timeout: 20_000,
    });
    expect(stdout).toContain('line arrived');
  }, 30_000);
});

describe('DockerChaosDriver scoped to a compose project (real Docker engine)', () => {
  let mine: RunningContainer;
  let theirs: RunningContainer;
  const driver = new DockerChaosDriver({ stopTimeoutSec: 2, project: 'rrl-stack-a' });

  beforeAll(async () => {
    await ensureDocker();
    [mine, theirs] = await Promise.all([
      runLabelledRedis({ name: uniqueContainerName('rrl-stack-a'), labels: { [COMPOSE_PROJECT_LABEL]: 'rrl-stack-a' } }),
      runLabelledRedis({ name: uniqueContainerName('rrl-stack-b'), labels: { [COMPOSE_PROJECT_LABEL]: 'rrl-stack-b' } }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([mine && removeContainer(mine.id), theirs && removeContainer(theirs.id)]);
  });

  it("lists and acts on its own stack's chaos containers only; another stack's are refused, untouched", async () => {
    const ids = (await driver.list()).map((t) => t.id);
    expect(ids).toContain(mine.id.slice(0, 12));
    expect(ids).not.toContain(theirs.id.slice(0, 12));
    const err = (await driver.kill(theirs.name).catch((e: unknown) => e)) as AppError;
    expect(err).toMatchObject({ statusCode: 403, code: 'TARGET_NOT_CHAOS_ENABLED' });
    expect(err.message).toContain("compose project 'rrl-stack-a'");
    expect(await pingOnce(theirs.port)).toBe('PONG');
    await driver.pause(mine.name);
    expect((await driver.inspect(mine.id)).state).toBe('paused');
    await driver.unpause(mine.name);
  }, 30_000);

  it('a target that is not a container id or name is a 400 before anything reaches the engine', async () => {
    for (const id of ['../../images/json', 'a/b', 'x?all=1', '']) {
      const err = (await driver.inspect(id).catch((e: unknown) => e)) as AppError;
      expect(err).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'target' }] });
    }
  });
});
