import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfigModule, loadConfig } from '@rrl/config';
import type { ChaosTarget, LogLine } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import { DOCKER_CHAOS_DRIVER, PROCESS_CHAOS_DRIVER } from './chaos.tokens';
import { ChaosModule } from './chaos.module';
import { ChaosService } from './chaos.service';
import type { ChaosDriver } from './drivers';
import type { AppUnderTest } from './scenarios';

/** An app that reads nothing and stays ready: enough for the runner to start, hold and restore. */
@Injectable()
class QuietApp implements AppUnderTest {
  readonly credentials = { username: null, password: null };
  readonly sentinel = null;
  redisState = () => 'ready' as const;
  redisNode = () => null;
  observe = () => () => undefined;
  read = async () => undefined;
  userIds = async () => [];
  redisFailures = () => 0;
  databaseAnswers = async () => true;
}

/** A Docker driver over one in-memory container that records what was done to it. */
class RecordingDockerDriver implements ChaosDriver {
  readonly name = 'docker' as const;
  readonly calls: string[] = [];
  private state: ChaosTarget['state'] = 'running';

  list = async () => [await this.inspect('redis-1')];
  inspect = async (id: string): Promise<ChaosTarget> => ({ id, name: id, kind: 'redis', driver: 'docker', state: this.state });
  kill = (id: string) => this.act(`kill ${id}`, 'exited');
  stop = (id: string) => this.act(`stop ${id}`, 'stopped');
  start = (id: string) => this.act(`start ${id}`, 'running');
  pause = (id: string) => this.act(`pause ${id}`, 'paused');
  unpause = (id: string) => this.act(`unpause ${id}`, 'running');
  restart = async () => undefined;
  logs = async (): Promise<LogLine[]> => [];
  followLogs = () => ({ ready: Promise.resolve(), close: () => undefined });

  private async act(call: string, next: ChaosTarget['state']): Promise<void> {
    this.calls.push(call);
    this.state = next;
  }
}

describe('ChaosModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(() => moduleRef?.close());

  it('takes its drivers from their tokens: a test swaps the Docker driver and a scenario runs on the swapped one', async () => {
    const config = loadConfig({ env: {}, overrides: { chaos: { probe: { readsPerSecond: 0 }, recoveryTimeoutMs: 50 } } });
    const docker = new RecordingDockerDriver();
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot({ config }), ChaosModule.forRoot({ appUnderTest: QuietApp, processes: [], proxy: null })],
    })
      .overrideProvider(DOCKER_CHAOS_DRIVER)
      .useValue(docker)
      .compile();
    const chaos = moduleRef.get(ChaosService);

    // The real process driver (no process registered) beside the swapped Docker driver.
    expect(moduleRef.get(PROCESS_CHAOS_DRIVER)).not.toBe(docker);
    expect(await chaos.targets()).toMatchObject({
      targets: [{ id: 'docker:redis-1', driver: 'docker', state: 'running' }],
      drivers: expect.arrayContaining([
        { name: 'docker', available: true },
        { name: 'process', available: true },
      ]) as unknown,
      proxy: null,
    });

    const run = await chaos.start('crash', { target: 'docker:redis-1', downtimeMs: 10 });
    const ended = await waitFor('the run ended', () => (chaos.run(run.id).status === 'running' ? null : chaos.run(run.id)));
    expect(ended.status).toBe('completed');
    expect(docker.calls).toEqual(['kill redis-1', 'start redis-1']);
  });
});
