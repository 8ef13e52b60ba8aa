import { randomUUID } from 'node:crypto';
import type { LoadTestPhase, LoadTestRequest, LoadTestRun, LoadTestStatus, RedisConnectionState } from '@rrl/contracts';
import { LoadTestStats, RateClock } from './loadtest-stats';
import { LoopOutageTracker } from './loop-outage-tracker';

/** One run's state: what it was asked, where it is, what it counted. The service drives it. */
export class LoadTestExecution {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  status: LoadTestStatus = 'running';
  phase: LoadTestPhase = 'warmup';
  endedAt: Date | null = null;
  error: string | null = null;
  /** Replaced when measuring starts: warm-up iterations are not counted. */
  stats = new LoadTestStats();
  clock = new RateClock();
  outages: LoopOutageTracker;
  private readonly abort = new AbortController();

  constructor(
    readonly request: LoadTestRequest,
    redisState: RedisConnectionState,
  ) {
    this.outages = new LoopOutageTracker(redisState);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  cancel(): void {
    this.abort.abort();
  }

  /** Starts counting: fresh stats and clock (the outage tracker spans warm-up too: an outage is one). */
  startMeasuring(): void {
    this.phase = 'measuring';
    this.stats = new LoadTestStats();
    this.clock = new RateClock();
  }

  finish(status: LoadTestStatus, error: string | null = null): void {
    this.status = status;
    this.phase = 'done';
    this.error ??= error;
    this.endedAt = new Date();
    this.clock.tick(this.stats.done);
  }

  snapshot(): LoadTestRun {
    return {
      id: this.id,
      request: this.request,
      status: this.status,
      phase: this.phase,
      startedAt: this.startedAt.toISOString(),
      endedAt: this.endedAt?.toISOString() ?? null,
      error: this.error,
      progress: this.clock.progress(this.stats, this.request.iterations, this.outages.summaries()),
    };
  }
}
