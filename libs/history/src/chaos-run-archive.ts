import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { AppError, ERROR_CODES, errorMessage, type ChaosRun, type TimelineEvent, type TimelineEventType } from '@rrl/contracts';
import { ChaosTargets, DockerChaosDriver, ProcessChaosDriver, supportsNetworkChaos } from '@rrl/chaos';
import { ChaosService, type ChaosModuleOptions } from '@rrl/chaos/nest';
import { DatabaseConnectionService } from '@rrl/database';
import { ChaosRunStore } from './chaos-run.store';

/** The app's local processes (the same list ChaosModule gets), to restore a target an earlier process broke. */
export const CHAOS_ARCHIVE_PROCESSES = Symbol('CHAOS_ARCHIVE_PROCESSES');
export const InjectChaosArchiveProcesses = (): ParameterDecorator => Inject(CHAOS_ARCHIVE_PROCESSES);

/** Timeline events worth a save while a run is in progress: the ones a restarted API needs to know. */
const SAVE_ON: ReadonlySet<TimelineEventType> = new Set(['action', 'target-back', 'app-reconnected', 'first-redis-read', 'error']);

/**
 * Chaos run reports that survive a restart. Stores what the ScenarioRunner reports (started, key
 * timeline events, ended); lists stored and in-memory runs merged. Once the database is connected
 * after boot, a run an earlier process left running is restored (its targets started, unpaused,
 * reconnected) and marked interrupted, its report saying what was done or could not be.
 */
@Injectable()
export class ChaosRunArchive implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ChaosHistory');
  private readonly targets: ChaosTargets;
  private reconciling: Promise<void> | null = null;
  private readonly onStarted = (run: ChaosRun) => void this.save(run);
  private readonly onTimeline = ({ runId, event }: { runId: string; event: TimelineEvent }) => {
    if (!SAVE_ON.has(event.type)) return;
    try {
      void this.save(this.chaos.run(runId));
    } catch {
      // The run ended meanwhile: 'ended' saves it.
    }
  };
  private readonly onEnded = (run: ChaosRun) => void this.save(run);
  private readonly onConnected = () => {
    this.reconciling ??= this.endLeftovers();
  };

  constructor(
    private readonly chaos: ChaosService,
    private readonly store: ChaosRunStore,
    private readonly database: DatabaseConnectionService,
    @InjectChaosArchiveProcesses() processes: ChaosModuleOptions['processes'],
    @InjectAppConfig() config: AppConfig,
  ) {
    const local = new ProcessChaosDriver();
    for (const { process, kind } of processes) local.register(process, kind);
    this.targets = new ChaosTargets([local, new DockerChaosDriver(config.chaos.docker)]);
  }

  onApplicationBootstrap(): void {
    this.chaos.events.on('started', this.onStarted);
    this.chaos.events.on('timeline', this.onTimeline);
    this.chaos.events.on('ended', this.onEnded);
    this.database.events.on('connected', this.onConnected);
    if (this.database.isConnected()) this.onConnected();
  }

  onModuleDestroy(): void {
    this.chaos.events.off('started', this.onStarted);
    this.chaos.events.off('timeline', this.onTimeline);
    this.chaos.events.off('ended', this.onEnded);
    this.database.events.off('connected', this.onConnected);
  }

  /** The run in progress first, then finished runs (memory and database), newest first. */
  async list(): Promise<ChaosRun[]> {
    const live = this.chaos.runs();
    const running = live.filter((r) => r.status === 'running');
    const past = new Map<string, ChaosRun>();
    for (const run of [...live, ...(await this.stored())]) if (run.status !== 'running' && !past.has(run.id)) past.set(run.id, run);
    return [...running, ...[...past.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt))];
  }

  /** One run, from memory or the database. */
  async get(id: string): Promise<ChaosRun> {
    try {
      return this.chaos.run(id);
    } catch (e) {
      if (!(e instanceof AppError && e.code === ERROR_CODES.NOT_FOUND)) throw e;
      await this.reconciling;
      const run = await this.store.get(id).catch(() => null);
      if (!run) throw new AppError(ERROR_CODES.NOT_FOUND, `no chaos run '${id}'`);
      return run;
    }
  }

  private async stored(): Promise<ChaosRun[]> {
    await this.reconciling;
    try {
      return await this.store.list();
    } catch (e) {
      this.logger.warn(`chaos run history unreadable (${errorMessage(e)}): listing the runs kept in memory`);
      return [];
    }
  }

  private async save(run: ChaosRun): Promise<void> {
    try {
      await this.store.save(run);
    } catch (e) {
      this.logger.warn(`chaos run ${run.id}: not stored in the history (${errorMessage(e)})`);
    }
  }

  private async endLeftovers(): Promise<void> {
    try {
      const ended = await this.store.endLeftovers((run, lastSavedAt) => this.restore(run, lastSavedAt));
      for (const run of ended) this.logger.warn(`chaos run ${run.id} was interrupted by a restart: ${run.error}`);
    } catch (e) {
      this.reconciling = null; // try again at the next connect
      this.logger.warn(`could not end interrupted chaos runs: ${errorMessage(e)}`);
    }
  }

  /** Undoes what the scenario may have left broken, target by target, and says so in the report. */
  private async restore(run: ChaosRun, lastSavedAt: string): Promise<ChaosRun> {
    const events: TimelineEvent[] = [];
    const mark = (type: TimelineEventType, message: string) =>
      events.push({ at: new Date().toISOString(), offsetMs: Date.now() - Date.parse(run.startedAt), type, message });
    mark('note', `the API stopped during this run (last saved at ${lastSavedAt}); restoring its targets at the next boot`);
    const failures: string[] = [];
    for (const id of run.targets) {
      try {
        mark('target-back', `${id}: ${await this.restoreTarget(run, id)}`);
      } catch (e) {
        failures.push(`${id}: ${errorMessage(e)}`);
        mark('error', `${id} could not be restored: ${errorMessage(e)}`);
      }
    }
    const error = failures.length
      ? `interrupted by an API restart; could not restore ${failures.join('; ')}`
      : 'interrupted by an API restart; its targets were restored at the next boot';
    return {
      ...run,
      status: 'interrupted',
      phase: 'done',
      endedAt: new Date().toISOString(),
      error,
      timeline: [...run.timeline, ...events],
    };
  }

  private async restoreTarget(run: ChaosRun, id: string): Promise<string> {
    const { driver, localId, target } = await this.targets.resolve(id);
    const done: string[] = [];
    if (target.state === 'paused') {
      await driver.unpause(localId);
      done.push('unpaused');
    } else if (target.state === 'stopped' || target.state === 'exited') {
      await driver.start(localId);
      done.push('started');
    } else if (run.scenario === 'auth-failure') {
      // A live CONFIG SET requirepass is not persisted: a restart brings the configured password back.
      await driver.restart(localId, 0);
      done.push('restarted to bring its configured password back');
    }
    if (run.scenario === 'partition' && supportsNetworkChaos(driver)) {
      await driver.networkConnect(localId);
      done.push('reconnected to its networks');
    }
    // Proxy toxics (latency, partition through the proxy) died with the old process's proxy.
    return done.length ? done.join(', ') : `already ${target.state}, nothing to undo`;
  }
}
