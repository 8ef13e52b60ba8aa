import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { FEED_TICK_LIMITS } from '@rrl/contracts';
import { MetricsService } from '../metrics/metrics.service';
import type { LiveSession } from './live-session';
import { encode } from './live-session';
import { LiveSessionRegistry } from './live-session.registry';
import { InjectLiveOptions, type LiveOptions } from './live.options';

interface Rate {
  /** null: paused. */
  tickMs: number | null;
  nextAt: number;
}

/**
 * `metrics` ticks at the rate each client asked for (`feed` message; options.tickMs until it asks).
 * One round timer at the fastest allowed rate: a round takes one snapshot, encodes it once and hands
 * it to every session that is due, so a hundred clients at different rates still cost one snapshot a round.
 */
@Injectable()
export class LiveTickScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly rates = new WeakMap<LiveSession, Rate>();
  private readonly roundMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectLiveOptions() private readonly options: LiveOptions,
    private readonly sessions: LiveSessionRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.roundMs = Math.min(options.tickMs, FEED_TICK_LIMITS.minMs);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.round(Date.now()), this.roundMs).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The interval now in force for this client (null: paused). */
  rateOf(session: LiveSession): number | null {
    const rate = this.rates.get(session);
    return rate ? rate.tickMs : this.options.tickMs;
  }

  /** A validated interval (client-message.parser.ts), or null to pause. The next tick comes one interval from now. */
  setRate(session: LiveSession, tickMs: number | null): void {
    this.rates.set(session, { tickMs, nextAt: Date.now() + (tickMs ?? 0) });
  }

  private round(now: number): void {
    let json: string | null = null;
    // Half a round of slack: a timer that fires a millisecond late must not push a tick into the next round.
    const horizon = now + this.roundMs / 2;
    for (const session of this.sessions.all()) {
      const rate = this.rates.get(session) ?? this.defaultRate(session, now);
      if (rate.tickMs === null || rate.nextAt > horizon) continue;
      rate.nextAt += rate.tickMs;
      // A stalled event loop does not become a burst of ticks: the next one is an interval away.
      if (rate.nextAt <= now) rate.nextAt = now + rate.tickMs;
      json ??= encode('metrics', this.metrics.snapshot());
      session.sendState('metrics', json);
    }
  }

  private defaultRate(session: LiveSession, now: number): Rate {
    const rate = { tickMs: this.options.tickMs, nextAt: now };
    this.rates.set(session, rate);
    return rate;
  }
}
