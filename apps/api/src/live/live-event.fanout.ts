import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { UserCacheService } from '@rrl/cache';
import { ChaosService } from '@rrl/chaos/nest';
import type {
  BreakerTransition,
  ChaosRun,
  LoadTestRun,
  RedisErrorKind,
  RedisStateEvent,
  RedisStateTransition,
  TimelineEvent,
} from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { encode } from './live-session';
import { LiveSessionRegistry } from './live-session.registry';
import { LOADTEST_FEED, type LoadTestFeed } from './loadtest-feed';

/**
 * The app's events as facts to every client: Redis and breaker transitions, chaos-run and loop-test
 * events. These reach a client whatever its tick rate, paused included.
 */
@Injectable()
export class LiveEventFanout implements OnModuleInit, OnModuleDestroy {
  /** The loop test in progress, for `hello` (from the feed's events). */
  private loadtest: LoadTestRun | null = null;
  /** Reconnect attempt the last redis-state carried: a retry without a transition gets its own message. */
  private lastAttemptSent = -1;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    private readonly sessions: LiveSessionRegistry,
    private readonly redis: RedisConnectionService,
    private readonly cache: UserCacheService,
    private readonly chaos: ChaosService,
    @Optional() @Inject(LOADTEST_FEED) private readonly loadtests: LoadTestFeed | null,
  ) {}

  get runningLoadTest(): LoadTestRun | null {
    return this.loadtest;
  }

  onModuleInit(): void {
    this.listen(this.redis.events, 'transition', (t: RedisStateTransition) => this.onRedisTransition(t));
    this.listen(this.redis.events, 'retry', (r: { attempt: number; delayMs: number; errorKind: RedisErrorKind }) => this.onRedisRetry(r));
    this.listen(this.cache.events, 'breaker', (t: BreakerTransition) =>
      this.sessions.broadcastFact('breaker-state', encode('breaker-state', t)),
    );
    this.listen(this.chaos.events, 'started', (run: ChaosRun) =>
      this.sessions.broadcastFact('chaos-run', encode('chaos-run', { kind: 'started', run })),
    );
    this.listen(this.chaos.events, 'timeline', (e: { runId: string; event: TimelineEvent }) =>
      this.sessions.broadcastFact('chaos-run', encode('chaos-run', { kind: 'timeline', ...e })),
    );
    this.listen(this.chaos.events, 'ended', (run: ChaosRun) =>
      this.sessions.broadcastFact('chaos-run', encode('chaos-run', { kind: 'ended', run })),
    );
    // The loop test's feed, when the app plugs one in (loadtest-feed.ts).
    if (this.loadtests) {
      this.listen(this.loadtests.events, 'progress', (run: LoadTestRun) => {
        this.loadtest = run;
        this.sessions.broadcastState('loadtest', encode('loadtest', { kind: 'progress', run }));
      });
      this.listen(this.loadtests.events, 'ended', (run: LoadTestRun) => {
        this.loadtest = null;
        this.sessions.broadcastFact('loadtest', encode('loadtest', { kind: 'ended', run }));
      });
    }
  }

  onModuleDestroy(): void {
    this.unsubscribers.forEach((off) => off());
  }

  private onRedisTransition(t: RedisStateTransition): void {
    if (t.to === 'reconnecting' || t.to === 'auth-failed') this.lastAttemptSent = t.attempt;
    const event: RedisStateEvent = { ...t, endpoint: this.redis.status().endpoint };
    this.sessions.broadcastFact('redis-state', encode('redis-state', event));
  }

  /** A retry while already reconnecting is no transition, but the dashboard shows every attempt and its delay. */
  private onRedisRetry(r: { attempt: number; delayMs: number; errorKind: RedisErrorKind }): void {
    if (r.attempt === this.lastAttemptSent) return;
    this.lastAttemptSent = r.attempt;
    const state = this.redis.state;
    const event: RedisStateEvent = {
      at: new Date().toISOString(),
      from: state,
      to: state,
      attempt: r.attempt,
      delayMs: r.delayMs,
      errorKind: r.errorKind,
    };
    this.sessions.broadcastFact('redis-state', encode('redis-state', event));
  }

  private listen<A extends unknown[]>(emitter: NodeJS.EventEmitter, event: string, listener: (...args: A) => void): void {
    const fn = listener as (...args: unknown[]) => void;
    emitter.on(event, fn);
    this.unsubscribers.push(() => emitter.off(event, fn));
  }
}
