import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@rrl/contracts';
import { DockerChaosDriver } from './docker-chaos.driver';
import { dockerOptions } from './docker-client';

describe('dockerOptions (chaos.docker config → dockerode)', () => {
  it('uses the socket path unless a host is set', () => {
    expect(dockerOptions({ socketPath: '/run/docker.sock' })).toMatchObject({ socketPath: '/run/docker.sock', host: undefined });
    expect(dockerOptions({ socketPath: '/run/docker.sock', host: 'unix:///other.sock' })).toMatchObject({
      socketPath: '/other.sock',
      host: undefined,
    });
  });

  it('maps DOCKER_HOST-style tcp and https addresses, default ports included', () => {
    expect(dockerOptions({ host: 'tcp://10.0.0.5:2375' })).toMatchObject({
      host: '10.0.0.5',
      port: '2375',
      protocol: 'http',
      socketPath: undefined,
    });
    expect(dockerOptions({ host: 'dind:2376' })).toMatchObject({ host: 'dind', port: '2376', protocol: 'https' });
    expect(dockerOptions({ host: 'tcp://dind' })).toMatchObject({ host: 'dind', port: '2375', protocol: 'http' });
  });

  it('reports an unreachable engine as 503 CHAOS_DRIVER_UNAVAILABLE', async () => {
    const driver = new DockerChaosDriver({ socketPath: '/tmp/rrl-no-docker-here.sock' });
    const err = (await driver.list().catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ statusCode: 503, code: 'CHAOS_DRIVER_UNAVAILABLE' });
  });
});

describe('DockerChaosDriver memory', () => {
  /** A fresh Node process: the driver constructed, then asked for its targets once; what it carried each time. */
  function probe(socketPath: string): { before: { ssh2: boolean; externalMb: number }; after: { ssh2: boolean; externalMb: number } } {
    const script = `
      const { DockerChaosDriver } = require(${JSON.stringify(path.join(__dirname, 'docker-chaos.driver.ts'))});
      const state = () => ({
        ssh2: Object.keys(require.cache).some((k) => k.includes('/node_modules/ssh2/')),
        externalMb: process.memoryUsage().external / 2 ** 20,
      });
      // ssh2 instantiates its WebAssembly asynchronously: each state is read a moment later.
      const settled = () => new Promise((r) => setTimeout(r, 300));
      (async () => {
        const driver = new DockerChaosDriver({ socketPath: ${JSON.stringify(socketPath)} });
        await settled();
        const before = state();
        await driver.list().catch(() => undefined);
        await settled();
        console.log(JSON.stringify({ before, after: state() }));
      })();
    `;
    const out = execFileSync(process.execPath, ['-r', 'esbuild-register', '-e', script], { encoding: 'utf8' });
    return JSON.parse(out) as ReturnType<typeof probe>;
  }

  it('never loads dockerode (nor ssh2 and its 16 MB WebAssembly memory) on a host without a Docker socket', () => {
    const { before, after } = probe('/tmp/rrl-no-docker-here.sock');
    expect(before.ssh2).toBe(false);
    expect(after.ssh2).toBe(false);
  });

  it('loads it on first use when there is a socket to talk to', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-docker-sock-'));
    const notAnEngine = path.join(dir, 'docker.sock');
    fs.writeFileSync(notAnEngine, '');
    try {
      const { before, after } = probe(notAnEngine);
      expect(before.ssh2).toBe(false);
      expect(after.ssh2).toBe(true);
      expect(after.externalMb - before.externalMb).toBeGreaterThan(15);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
