import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { dockerStatus, RedisServerProcess } from '@rrl/chaos';
import { clearLeftovers } from './leftovers';
import { removeContainer, runLabelledRedis, testDocker, uniqueContainerName } from './docker';
import type { TestServices } from './jest/test-services.main';

/** Runs TypeScript in a child Node (as the test services process runs), reading its first stdout line. */
async function startChild<T>(args: string[]): Promise<{ child: ChildProcess; first: T }> {
  const child = spawn(process.execPath, ['--conditions=@rrl/source', '-r', 'esbuild-register', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before its first line`)));
    readline.createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l) as T));
  });
  return { child, first };
}

/** A test run killed by SIGKILL: it cannot stop what it started. */
async function kill9(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function containerExists(id: string): Promise<boolean> {
  try {
    await testDocker().getContainer(id).inspect();
    return true;
  } catch (e) {
    if (dockerStatus(e) === 404) return false;
    throw e;
  }
}

// A killed run's redis-server, its test container, and the run's own MariaDB (the test services
// process) outlive it; the next run's clearLeftovers() removes them, and nothing a live run owns.
describe('clearing a killed run’s leftovers', () => {
  const KILLED_RUN = `
    const { RedisServerProcess, runLabelledRedis } = require('@rrl/testing');
    (async () => {
      const redis = await RedisServerProcess.start();
      const container = await runLabelledRedis({ name: process.argv[1] });
      console.log(JSON.stringify({ redisPort: redis.port, redisDir: redis.dir, containerId: container.id }));
    })();`;

  it('stops a killed run’s redis-server and removes its folder and container', async () => {
    const { child, first } = await startChild<{ redisPort: number; redisDir: string; containerId: string }>([
      '-e',
      KILLED_RUN,
      uniqueContainerName('rrl-leftover'),
    ]);
    await kill9(child);
    expect(await answers(first.redisPort)).toBe(true); // outlived its owner
    expect(await containerExists(first.containerId)).toBe(true);

    const cleared = await clearLeftovers();

    expect(cleared.folders.map((f) => f.dir)).toContain(first.redisDir);
    expect(await answers(first.redisPort)).toBe(false);
    expect(fs.existsSync(first.redisDir)).toBe(false);
    expect(await containerExists(first.containerId)).toBe(false);
  }, 60_000);

  it('leaves a live run’s servers and containers alone', async () => {
    const redis = await RedisServerProcess.start();
    const container = await runLabelledRedis({ name: uniqueContainerName('rrl-live') });
    try {
      await clearLeftovers();
      expect(await answers(redis.port)).toBe(true);
      expect(fs.existsSync(redis.dir)).toBe(true);
      expect(await containerExists(container.id)).toBe(true);
    } finally {
      await redis.stop();
      await removeContainer(container.id);
    }
  }, 60_000);

  const SERVICES = path.join(__dirname, 'jest/test-services.main.ts');

  it('a run’s MariaDB stops with the run, and a killed one’s at the next start', async () => {
    const ended = await startChild<TestServices>([SERVICES]);
    expect(await answers(ended.first.mysqlPort)).toBe(true);
    const exited = once(ended.child, 'exit');
    ended.child.stdin!.end(); // what Jest's global teardown does, and what Jest dying does
    await exited;
    expect(await answers(ended.first.mysqlPort)).toBe(false);
    expect(fs.existsSync(ended.first.mysqlDataDir)).toBe(false);

    const killed = await startChild<TestServices>([SERVICES]);
    await kill9(killed.child);
    expect(await answers(killed.first.mysqlPort)).toBe(true); // mariadbd outlived its owner

    const next = await startChild<TestServices>([SERVICES]); // the next run clears it first
    try {
      expect(fs.existsSync(killed.first.mysqlDataDir)).toBe(false);
      expect(next.first.mysqlDataDir).not.toBe(killed.first.mysqlDataDir);
      if (next.first.mysqlPort !== killed.first.mysqlPort) expect(await answers(killed.first.mysqlPort)).toBe(false);
    } finally {
      next.child.stdin!.end();
      await once(next.child, 'exit');
    }
  }, 90_000);
});
