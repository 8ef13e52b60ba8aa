import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiErrorBody, RedisStatus, UserDto, UserReadResult } from '@rrl/contracts';
import { createTestDatabase, freePort, MariaDbProcess, RedisServerProcess, waitFor } from '@rrl/testing';
import { startLab } from './support/lab';

const MAIN = path.resolve(__dirname, '../dist/main.js');

describe('boot', () => {
  it('boots and serves from MySQL while Redis is down, and picks Redis up when it appears', async () => {
    const port = await freePort();
    const db = await createTestDatabase();
    const lab = await startLab({ redis: { port }, mysql: db });
    let redis: RedisServerProcess | undefined;
    try {
      const status = (await lab.get<RedisStatus>('/api/redis/status')).body;
      expect(['connecting', 'reconnecting']).toContain(status.state);
      const { body: u } = await lab.send<UserDto>('POST', '/api/users', { name: 'Early', email: 'early@example.test' });
      const r = await lab.get<UserReadResult>(`/api/users/${u.id}`);
      expect(r.status).toBe(200);
      expect(r.body.source).toBe('mysql');
      const ready = await lab.get<{ info: { redis: { status: string } } }>('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info.redis.status).toBe('degraded');
      redis = await RedisServerProcess.start({ port });
      await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready', 15_000);
    } finally {
      await lab.close();
      await redis?.stop();
      await db.drop();
    }
  }, 60_000);

  it('boots while MySQL is down: liveness up, readiness 503, reads 503; then connects when MySQL starts', async () => {
    const redis = await RedisServerProcess.start();
    const mysqlPort = await freePort();
    const lab = await startLab({
      redis: { port: redis.port },
      mysql: { host: '127.0.0.1', port: mysqlPort, user: 'root', password: '', database: 'lab' },
      waitForDatabase: false,
    });
    let maria: MariaDbProcess | undefined;
    try {
      expect((await lab.get('/health')).status).toBe(200);
      const notReady = await lab.get<{ status: string; error: Record<string, { status: string }> }>('/health/ready');
      expect(notReady.status).toBe(503);
      // The probe says which dependency is missing, not just "unavailable".
      expect(notReady.body.status).toBe('error');
      expect(notReady.body.error.database.status).toBe('down');
      const miss = await lab.get<ApiErrorBody>('/api/users/1');
      expect(miss.status).toBe(503);
      expect(miss.body.code).toMatch(/UNAVAILABLE/);
      maria = await MariaDbProcess.start();
      // MariaDbProcess picks its own port; point a second lab at it to prove the connect path, and keep the
      // first one alive to prove it never crashed while retrying.
      const lab2 = await startLab({
        redis: { port: redis.port },
        mysql: { host: '127.0.0.1', port: maria.port, user: 'root', password: '', database: 'lab' },
        waitForDatabase: false,
      });
      try {
        await waitFor('ready', async () => (await lab2.get('/health/ready')).status === 200, 20_000);
      } finally {
        await lab2.close();
      }
      expect((await lab.get('/health')).status).toBe(200);
    } finally {
      await lab.close();
      await redis.stop();
      await maria?.stop();
    }
  }, 90_000);
});

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

describe('npm start on the embedded default (built dist, SQLite, managed redis-server)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  function run(env: Record<string, string>): {
    child: ChildProcess;
    output: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  } {
    const proc = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      proc.once('exit', (code, signal) => r({ code, signal })),
    );
    child = proc;
    return { child: proc, output: () => out, exited };
  }

  it('serves on SQLite with its own redis-server, and stops that redis-server on SIGTERM', async () => {
    expect(fs.existsSync(MAIN)).toBe(true);
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-embedded-'));
    const app = run({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('listening', async () => (await fetch(`${base}/health`)).ok, 30_000);
    await waitFor(
      'managed redis ready',
      async () => ((await (await fetch(`${base}/api/redis/status`)).json()) as RedisStatus).state === 'ready',
      15_000,
    );
    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Embedded', email: 'embedded@example.test' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as UserDto;
    await fetch(`${base}/api/users/${id}`);
    const again = (await (await fetch(`${base}/api/users/${id}`)).json()) as UserReadResult;
    expect(again.source).toBe('redis');
    expect(fs.existsSync(path.join(dataDir, 'lab.sqlite'))).toBe(true);
    // First start on an empty database: the demo data set, once, logged.
    await waitFor('demo users seeded', () => /Seeded 10000 demo users/.test(app.output()), 30_000);
    const page = (await (await fetch(`${base}/api/users?pageSize=1`)).json()) as { total: number };
    expect(page.total).toBe(10_001);
    // The dashboard's icon is there (no 404 on every page load).
    const icon = await fetch(`${base}/favicon.svg`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    const redisPid = Number(/pid (\d+)\)/.exec(app.output())?.[1]);
    expect(redisPid).toBeGreaterThan(0);
    // Through a pipe every line is JSON, the ones logged before the app exists too.
    expect(app.output()).toMatch(/^\{"level":30,[^\n]*"context":"LabRuntime","msg":"No Redis configured: started a managed redis-server/m);

    app.child.kill('SIGTERM');
    // Nest runs its shutdown hooks, then re-raises the signal: a clean exit "by SIGTERM".
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(app.output()).not.toMatch(/"level":50/);
    // A clean stop quits the client before the managed redis-server stops: no outage is reported.
    expect(app.output()).not.toMatch(/"level":40[^\n]*reconnecting/);
    expect(() => process.kill(redisPid, 0)).toThrow();
  }, 60_000);

  it('stops a managed redis-server a SIGKILLed run left behind, on the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-orphan-'));
    const startedPid = (out: string) => Number(/started a managed redis-server \(pid (\d+)\)/.exec(out)?.[1]);
    const first = run({ PORT: String(await freePort()), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    await waitFor('first run started its redis-server', () => startedPid(first.output()) > 0, 30_000);
    const orphan = startedPid(first.output());
    first.child.kill('SIGKILL');
    await first.exited;
    // Nothing ran the shutdown hooks: the redis-server outlives its owner.
    expect(isRunning(orphan)).toBe(true);
    try {
      const port = await freePort();
      const second = run({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
      await waitFor(
        'second run listening',
        async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true,
        30_000,
      );
      expect(second.output()).toContain(`left behind when it died without shutting down: pid ${orphan}`);
      // Orphans are adopted by init, which may reap them late: a zombie counts as stopped.
      expect(isRunning(orphan)).toBe(false);
      expect(startedPid(second.output())).not.toBe(orphan);
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      try {
        process.kill(orphan, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  }, 90_000);

  it('starts without redis-server on PATH and says so', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-noredis-'));
    const app = run({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1', PATH: '/nonexistent' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('listening', async () => (await fetch(`${base}/health`)).ok, 30_000);
    expect(app.output()).toMatch(/No redis-server on PATH/);
    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Solo', email: 'solo@example.test' }),
    });
    const { id } = (await created.json()) as UserDto;
    const read = (await (await fetch(`${base}/api/users/${id}`)).json()) as UserReadResult;
    expect(read.source).toBe('mysql');
  }, 60_000);

  it('refuses to boot on bad configuration with one message naming every bad value', async () => {
    const app = run({ PORT: 'eighty', REDIS_MAX_RETRIES: '-3' });
    expect((await app.exited).code).toBe(1);
    expect(app.output()).toMatch(/port \(from PORT\)/);
    expect(app.output()).toMatch(/maxRetries \(from REDIS_MAX_RETRIES\)/);
  }, 30_000);
});
