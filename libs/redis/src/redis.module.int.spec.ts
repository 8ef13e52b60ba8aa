import { Test } from '@nestjs/testing';
import { AppConfigModule } from '@rrl/config';
import { freePort, RedisServerProcess, testRedisConfig, waitForState } from '@rrl/testing';
import { RedisConnectionService } from './redis-connection.service';
import { RedisModule } from './redis.module';

describe('RedisModule.forRoot()', () => {
  let server: RedisServerProcess | undefined;

  afterAll(async () => {
    await server?.stop();
  });

  it('connects on init, even with Redis down, and quits on application shutdown', async () => {
    const port = await freePort();
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot({ config: testRedisConfig(port) }), RedisModule.forRoot()],
    }).compile();
    const service = moduleRef.get(RedisConnectionService);
    expect(service.state).toBe('idle');

    await moduleRef.init();
    expect(['connecting', 'reconnecting']).toContain(service.state);

    server = await RedisServerProcess.start({ port });
    await waitForState(service, 'ready', 5000);
    const client = service.client;
    await moduleRef.close();
    expect(service.state).toBe('stopped');
    expect(client.status).toBe('end');
  });
});
