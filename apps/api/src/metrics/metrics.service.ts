import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { UserCacheService } from '@rrl/cache';
import { ChaosService } from '@rrl/chaos/nest';
import type {
  BreakerTransition,
  ChaosRun,
  LoadTestRun,
  MetricsSnapshot,
  ReadOutcome,
  RedisErrorKind,
  RedisStateTransition,
} from '@rrl/contracts';
import { MetricsRecorder, PrometheusExporter } from '@rrl/metrics';
import { RedisConnectionService } from '@rrl/redis';
import { DatabaseConnectionService } from '@rrl/database';
import { LOADTEST_FEED, type LoadTestFeed } from '../live/loadtest-feed';

/**
 * Feeds the app's events into the one MetricsRecorder (libs/metrics) and removes every listener on
 * shutdown. The loop test is counted from its feed (live/loadtest-feed.ts) when the app plugs one in.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly recorder = new MetricsRecorder();
  readonly prometheus = new PrometheusExporter(this.recorder);
  private readonly onRead = (o: ReadOutcome) => this.recorder.recordRead(o);
  private readonly onBreaker = (t: BreakerTransition) => this.recorder.breakerTransition(t);
  private readonly onTransition = (t: RedisStateTransition) => this.recorder.redisTransition(t);
  private readonly onRetry = (r: { attempt: number }) => this.recorder.redisRetry(r.attempt);
  private readonly onRedisError = (e: { kind: RedisErrorKind }) => this.recorder.redisError(e.kind);
  private readonly onDatabaseFailed = () => this.recorder.databaseError();
  private readonly onChaosStarted = () => this.recorder.chaosRunStarted();
  private readonly onChaosEnded = (run: ChaosRun) => this.recorder.chaosRunEnded(run.status);
  private readonly onLoadTestProgress = (run: LoadTestRun) => this.countIterations(run);
  private readonly onLoadTestEnded = (run: LoadTestRun) => {
    this.countIterations(run);
    this.loadtestDone.delete(run.id);
    this.recorder.loadtestEnded(run.status);
  };
  /** Iterations already counted per running loop test (progress reports a running total). */
  private readonly loadtestDone = new Map<string, number>();
  private readsAttached = false;

  constructor(
    private readonly cache: UserCacheService,
    private readonly redis: RedisConnectionService,
    private readonly database: DatabaseConnectionService,
    private readonly chaos: ChaosService,
    @Optional() @Inject(LOADTEST_FEED) private readonly loadtests: LoadTestFeed | null,
  ) {}

  onModuleInit(): void {
    const status = this.redis.status();
    Object.assign(this.recorder.redis, { state: status.state, attempt: status.attempt, endpoint: status.endpoint });
    this.recorder.breaker.state = this.cache.breaker.state;
    this.attachReads();
    this.cache.events.on('breaker', this.onBreaker);
    this.redis.events.on('transition', this.onTransition);
    this.redis.events.on('retry', this.onRetry);
    this.redis.events.on('error', this.onRedisError);
    this.database.events.on('attempt-failed', this.onDatabaseFailed);
    this.chaos.events.on('started', this.onChaosStarted);
    this.chaos.events.on('ended', this.onChaosEnded);
    this.loadtests?.events.on('progress', this.onLoadTestProgress);
    this.loadtests?.events.on('ended', this.onLoadTestEnded);
    this.recorder.start();
  }

  onModuleDestroy(): void {
    this.recorder.stop();
    this.detachReads();
    this.cache.events.off('breaker', this.onBreaker);
    this.redis.events.off('transition', this.onTransition);
    this.redis.events.off('retry', this.onRetry);
    this.redis.events.off('error', this.onRedisError);
    this.database.events.off('attempt-failed', this.onDatabaseFailed);
    this.chaos.events.off('started', this.onChaosStarted);
    this.chaos.events.off('ended', this.onChaosEnded);
    this.loadtests?.events.off('progress', this.onLoadTestProgress);
    this.loadtests?.events.off('ended', this.onLoadTestEnded);
  }

  /** Read counting on (the default); bench/metrics-overhead.ts turns it off to measure its cost. */
  attachReads(): void {
    if (!this.readsAttached) this.cache.events.on('read', this.onRead);
    this.readsAttached = true;
  }

  detachReads(): void {
    this.cache.events.off('read', this.onRead);
    this.readsAttached = false;
  }

  private countIterations(run: LoadTestRun): void {
    const counted = this.loadtestDone.get(run.id) ?? 0;
    this.recorder.loadtestIterations(run.progress.done - counted);
    this.loadtestDone.set(run.id, run.progress.done);
  }

  snapshot(): MetricsSnapshot {
    return this.recorder.snapshot();
  }
}
