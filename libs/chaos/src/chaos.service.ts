import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import type { ChaosRun, ChaosTargetsResponse, LogLine, ScenarioInfo } from '@rrl/contracts';
import type { ChaosDriver, LogFollower } from './drivers';
import type { FaultProxy } from './proxy';
import { ChaosTargets, ScenarioRunner, type AppUnderTest } from './scenarios';
import { InjectAppUnderTest, InjectChaosProxy, InjectDockerChaosDriver, InjectProcessChaosDriver } from './chaos.tokens';

/** The chaos API's one entry point: targets of both drivers, their logs, scenario runs. */
@Injectable()
export class ChaosService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Chaos');
  private readonly targetsOfDrivers: ChaosTargets;
  private readonly runner: ScenarioRunner;

  constructor(
    @InjectAppConfig() config: AppConfig,
    @InjectAppUnderTest() app: AppUnderTest,
    @InjectProcessChaosDriver() processes: ChaosDriver,
    @InjectDockerChaosDriver() docker: ChaosDriver,
    @InjectChaosProxy() private readonly proxy: FaultProxy | null,
  ) {
    this.targetsOfDrivers = new ChaosTargets([processes, docker]);
    this.runner = new ScenarioRunner({
      targets: this.targetsOfDrivers,
      proxy,
      app,
      probe: config.chaos.probe,
      recoveryTimeoutMs: config.chaos.recoveryTimeoutMs,
      maxDurationMs: config.chaos.maxDurationMs,
      log: (m) => this.logger.log(m),
    });
  }

  /** Run started / timeline event / run ended, for a live view. */
  get events(): ScenarioRunner['events'] {
    return this.runner.events;
  }

  async targets(): Promise<ChaosTargetsResponse> {
    return { ...(await this.targetsOfDrivers.list()), proxy: this.proxy?.stats() ?? null };
  }

  logs(targetId: string, tail: number): Promise<LogLine[]> {
    return this.targetsOfDrivers.logs(targetId, tail);
  }

  /** Follows a target's output live (the WebSocket log feed); 404 for an unknown target. */
  followLogs(targetId: string, onLine: (l: LogLine) => void, onError: (e: Error) => void): Promise<LogFollower> {
    return this.targetsOfDrivers.followLogs(targetId, onLine, onError);
  }

  scenarios(): ScenarioInfo[] {
    return this.runner.scenarios();
  }

  start(scenario: string, params: unknown): Promise<ChaosRun> {
    return this.runner.start(scenario, params);
  }

  runs(): ChaosRun[] {
    return this.runner.list();
  }

  run(id: string): ChaosRun {
    return this.runner.get(id);
  }

  cancel(id: string): Promise<ChaosRun> {
    return this.runner.cancel(id);
  }

  /** A run in progress is cancelled, so its targets are restored before the API stops. */
  beforeApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
