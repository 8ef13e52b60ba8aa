import { pingOnce } from '@rrl/testing';
import { RedisServerProcess } from './redis-server.process';
import { ManagedProcess } from './managed-process';

describe('ManagedProcess (real redis-server)', () => {
  let server: RedisServerProcess;
  afterEach(() => server?.kill());

  it('starts, is killed, and restarts on the same port with the same config', async () => {
    server = await RedisServerProcess.start({ password: 's3cret' });
    expect(await pingOnce(server.port, { password: 's3cret' })).toBe('PONG');
    await server.kill();
    expect(server.state).toBe('exited');
    await expect(pingOnce(server.port, { password: 's3cret' })).rejects.toThrow();
    await server.start();
    expect(await pingOnce(server.port, { password: 's3cret' })).toBe('PONG');
    expect(server.recentLogs().some((l) => /Ready to accept connections/.test(l.line))).toBe(true);
  });

  it('pauses (SIGSTOP: no answer) and unpauses (SIGCONT)', async () => {
    server = await RedisServerProcess.start();
    server.pause();
    expect(server.state).toBe('paused');
    await expect(pingOnce(server.port, { timeoutMs: 300 })).rejects.toThrow();
    server.unpause();
    expect(await pingOnce(server.port)).toBe('PONG');
  });

  it('reports a missing binary at once instead of waiting for the start timeout', async () => {
    const missing = new ManagedProcess({
      name: 'nothing',
      command: 'no-such-binary-rrl',
      args: [],
      readyLine: /ready/,
      startTimeoutMs: 10_000,
    });
    const started = Date.now();
    await expect(missing.start()).rejects.toMatchObject({ code: 'ENOENT' });
    // Well under the 10 s start timeout it would otherwise wait, with room for a busy 2-core runner.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
