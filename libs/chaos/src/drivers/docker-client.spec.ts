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
