import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { UserCacheService } from '@rrl/cache';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import type { ChaosRun, ChaosTargetKind, ChaosTargetsResponse, LogLine, ScenarioInfo } from '@rrl/contracts';
import { RedisConnectionService, resolveRedisTarget } from '@rrl/redis';
import { DatabaseConnectionService, UsersRepository } from '@rrl/users';
import { DockerChaosDriver, type LogFollower, ProcessChaosDriver } from './drivers';
import type { ManagedProcess } from './process';
import type { FaultProxy } from './proxy';
import { ChaosTargets, ScenarioRunner } from './scenarios';

/** What the application hands the chaos module: its local processes and its fault proxy. */
export interface ChaosModuleOptions {
  /** Local servers (the managed redis-server, a test's mariadbd) offered to the process driver. */
  processes: { process: ManagedProcess; kind: ChaosTargetKind }[];
  /** The fault proxy between the app and Redis, when enabled. */
  proxy: FaultProxy | null;
}

export const CHAOS_OPTIONS = Symbol('CHAOS_OPTIONS');
export const InjectChaosOptions = (): ParameterDecorator => Inject(CHAOS_OPTIONS);

/** A database round trip for "the database answers again", kept short: it is polled. */
const DB_PING_TIMEOUT_MS = 500;

/** The chaos API's one entry point: targets of both drivers, their logs, scenario runs. */
@Injectable()
export class ChaosService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Chaos');
  private readonly targetsOfDrivers: ChaosTargets;
  private readonly runner: ScenarioRunner;

  constructor(
    @InjectChaosOptions() private readonly options: ChaosModuleOptions,
    @InjectAppConfig() config: AppConfig,
    redis: RedisConnectionService,
    cache: UserCacheService,
    users: UsersRepository,
    database: DatabaseConnectionService,
  ) {
    const processes = new ProcessChaosDriver();
    for (const { process, kind } of options.processes) processes.register(process, kind);
    this.targetsOfDrivers = new ChaosTargets([processes, new DockerChaosDriver(config.chaos.docker)]);
    const { username, password } = resolveRedisTarget(config);
    this.runner = new ScenarioRunner({
      targets: this.targetsOfDrivers,
      proxy: options.proxy,
      app: {
        redis,
        cache,
        probe: {
          read: (id) => cache.get(id),
          ids: async (limit) => (await users.findRange(1, Number.MAX_SAFE_INTEGER, limit)).map((u) => u.id),
        },
        redisFailures: () => {
          const stats = cache.stats();
          return stats.redisErrors + stats.breakerRejections;
        },
        databaseAnswers: async () => (await database.ping(DB_PING_TIMEOUT_MS)).up,
        credentials: { username: username ?? null, password: password ?? null },
      },
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
    return { ...(await this.targetsOfDrivers.list()), proxy: this.options.proxy?.stats() ?? null };
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
