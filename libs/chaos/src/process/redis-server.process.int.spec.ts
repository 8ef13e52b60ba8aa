import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pingOnce } from '@rrl/testing';
import { setRequirePass } from '../redis-admin';
import { RedisServerProcess } from './redis-server.process';

describe('RedisServerProcess.setPassword (real redis-server)', () => {
  let server: RedisServerProcess;
  afterAll(() => server?.kill());

  it('rotates the password live; clients with the old one are refused; a restart restores it', async () => {
    server = await RedisServerProcess.start({ password: 'old-pw' });
    await server.setPassword('new-pw');
    await expect(pingOnce(server.port, { password: 'old-pw' })).rejects.toThrow(/WRONGPASS|invalid/i);
    expect(await pingOnce(server.port, { password: 'new-pw' })).toBe('PONG');
    await server.start(); // already running: nothing changes
    expect(await pingOnce(server.port, { password: 'new-pw' })).toBe('PONG');
    await server.restart();
    expect(await pingOnce(server.port, { password: 'old-pw' })).toBe('PONG');
    await server.setPassword(null);
    expect(await pingOnce(server.port)).toBe('PONG');
  });

  it('a password change with the wrong current password is refused and changes nothing', async () => {
    const endpoint = { host: '127.0.0.1', port: server.port };
    await server.setPassword('pw-2');
    await expect(setRequirePass(endpoint, 'wrong', 'hijack')).rejects.toThrow(/WRONGPASS/);
    expect(await pingOnce(server.port, { password: 'pw-2' })).toBe('PONG');
  });
});

describe('RedisServerProcess pidFile (leftover servers)', () => {
  const started: RedisServerProcess[] = [];
  afterAll(() => Promise.all(started.map((s) => s.kill())));
  const tmpFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-pidfile-')), 'redis.pid.json');

  it('stops the live redis-server recorded in the pid file, and records its own', async () => {
    const pidFile = tmpFile();
    const leftover = await RedisServerProcess.start({ pidFile });
    started.push(leftover);
    const leftoverPid = leftover.pid;
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8'))).toEqual({ pid: leftoverPid, port: leftover.port });
    const next = await RedisServerProcess.start({ pidFile });
    started.push(next);
    expect(next.reapedPid).toBe(leftoverPid);
    await expect(pingOnce(leftover.port)).rejects.toThrow();
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8'))).toEqual({ pid: next.pid, port: next.port });
  });

  it('never signals a pid that is not a redis-server on the recorded port (a recycled pid)', async () => {
    const pidFile = tmpFile();
    // This Jest worker's own pid: signalling it would end the test run.
    fs.writeFileSync(pidFile, JSON.stringify({ pid: process.pid, port: 6379 }));
    const server = await RedisServerProcess.start({ pidFile });
    started.push(server);
    expect(server.reapedPid).toBeNull();
    expect(await pingOnce(server.port)).toBe('PONG');
  });
});
