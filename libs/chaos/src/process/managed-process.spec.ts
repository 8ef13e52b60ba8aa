import { Redis } from 'ioredis';
import { RedisServerProcess } from './redis-server.process';

describe('RedisServerProcess (real redis-server)', () => {
  let server: RedisServerProcess;
  afterEach(() => server?.kill());

  it('starts, is killed, and restarts on the same port with the same config', async () => {
    server = await RedisServerProcess.start({ password: 's3cret' });
    const client = new Redis({ port: server.port, password: 's3cret', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await server.kill();
    expect(server.state).toBe('exited');
    await expect(client.ping()).rejects.toThrow();
    await server.start();
    const again = new Redis({ port: server.port, password: 's3cret', maxRetriesPerRequest: 0 });
    again.on('error', () => undefined);
    expect(await again.ping()).toBe('PONG');
    again.disconnect();
    client.disconnect();
    expect(server.recentLogs().some((l) => /Ready to accept connections/.test(l.line))).toBe(true);
  });
});
