import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, recordTransitions, RedisServerProcess, testRedisConfig, waitFor, waitForState } from '@rrl/testing';
import Redis from 'ioredis';
import { RedisConnectionService } from './redis-connection.service';

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
function makeCertificates(): { dir: string; ca: string; cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-tls-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=rrl-test-ca',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '1',
    '-extfile',
    f('san.ext'),
  );
  return { dir, ca: f('ca.crt'), cert: f('server.crt'), key: f('server.key') };
}

describe('RedisConnectionService credentials and TLS', () => {
  const services: RedisConnectionService[] = [];
  const servers: RedisServerProcess[] = [];
  const admins: Redis[] = [];
  const startService = (config: ReturnType<typeof testRedisConfig>) => {
    const s = RedisConnectionService.create(config);
    services.push(s);
    s.start();
    return s;
  };

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    admins.forEach((a) => a.disconnect());
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('reports auth-failed for a wrong password, retries at the capped delay and recovers once it works', async () => {
    const server = await RedisServerProcess.start({ password: 'secret-A' });
    servers.push(server);
    const delays: number[] = [];
    const service = startService(testRedisConfig(server.port, { password: 'secret-B' }));
    service.events.on('retry', (r) => delays.push(r.delayMs));
    const transitions = recordTransitions(service);

    await waitForState(service, 'auth-failed', 3000);
    expect(service.status().lastError?.kind).toBe('auth');
    expect(transitions[0]).toMatchObject({ from: 'connecting', to: 'auth-failed', errorKind: 'auth' });
    await waitFor('three reconnect attempts', () => delays.length >= 3);
    expect(delays.slice(0, 3)).toEqual([500, 500, 500]);
    expect(service.state).toBe('auth-failed');

    const admin = new Redis({ port: server.port, password: 'secret-A', lazyConnect: true });
    admins.push(admin);
    await admin.config('SET', 'requirepass', 'secret-B');
    await waitForState(service, 'ready', 3000);
    expect(await service.client.ping()).toBe('PONG');
    const everything = JSON.stringify({ status: service.status(), history: service.history() });
    expect(everything).not.toContain('secret-B');
    expect(everything).not.toContain('secret-A');
  });

  it('connects as an ACL user given by username/password or by URL', async () => {
    const server = await RedisServerProcess.start();
    servers.push(server);
    const admin = new Redis({ port: server.port, lazyConnect: true });
    admins.push(admin);
    await admin.acl('SETUSER', 'app', 'on', '>app-pw', '~*', '+@all');

    const byFields = startService(testRedisConfig(server.port, { username: 'app', password: 'app-pw' }));
    const byUrl = startService(testRedisConfig(server.port, { url: `redis://app:app-pw@127.0.0.1:${server.port}/2` }));
    await Promise.all([waitForState(byFields, 'ready'), waitForState(byUrl, 'ready')]);
    expect(await byFields.client.acl('WHOAMI')).toBe('app');
    expect(await byUrl.client.acl('WHOAMI')).toBe('app');
    expect(byUrl.status().endpoint).toBe(`redis://127.0.0.1:${server.port}/2`);

    const wrongUser = startService(testRedisConfig(server.port, { username: 'app', password: 'not-it' }));
    await waitForState(wrongUser, 'auth-failed', 3000);
    expect(wrongUser.status().lastError?.message).not.toContain('not-it');
  });

  describe('over TLS', () => {
    let certs: ReturnType<typeof makeCertificates>;
    let port: number;

    beforeAll(async () => {
      certs = makeCertificates();
      port = await freePort();
      const tlsArgs = [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        certs.cert,
        '--tls-key-file',
        certs.key,
        '--tls-ca-cert-file',
        certs.ca,
        '--tls-auth-clients',
        'no',
      ];
      servers.push(await RedisServerProcess.start({ port, extraArgs: tlsArgs }));
    });

    afterAll(() => fs.rmSync(certs.dir, { recursive: true, force: true }));

    it('connects with the CA file and serves commands', async () => {
      const service = startService(testRedisConfig(port, { tls: { enabled: true, caFile: certs.ca } }));
      await waitForState(service, 'ready');
      await service.client.set('tls-key', 'over-tls');
      expect(await service.client.get('tls-key')).toBe('over-tls');
      expect(service.status().endpoint).toBe(`rediss://127.0.0.1:${port}/0`);
    });

    it('connects with a rediss:// URL', async () => {
      const service = startService(
        testRedisConfig(port, { url: `rediss://127.0.0.1:${port}/0`, tls: { enabled: false, caFile: certs.ca } }),
      );
      await waitForState(service, 'ready');
      expect(await service.client.ping()).toBe('PONG');
    });

    it('refuses a server it cannot verify and says it is a TLS problem', async () => {
      const service = startService(testRedisConfig(port, { tls: { enabled: true, caFile: null } }));
      await waitForState(service, 'reconnecting', 3000);
      expect(service.status().lastError?.kind).toBe('tls');
    });
  });
});
