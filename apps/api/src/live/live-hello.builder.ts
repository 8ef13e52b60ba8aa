import { Injectable } from '@nestjs/common';
import { ChaosService } from '@rrl/chaos/nest';
import type { HelloData } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { MetricsService } from '../metrics/metrics.service';
import { LiveEventFanout } from './live-event.fanout';
import { LiveLogFeed } from './live-log.feed';

/** The `hello` a client gets on connect: everything current, so the page is right before the first event. */
@Injectable()
export class LiveHelloBuilder {
  constructor(
    private readonly metrics: MetricsService,
    private readonly redis: RedisConnectionService,
    private readonly chaos: ChaosService,
    private readonly events: LiveEventFanout,
    private readonly logs: LiveLogFeed,
  ) {}

  build(authorized: boolean): HelloData {
    const snapshot = this.metrics.snapshot();
    return {
      at: snapshot.at,
      redis: this.redis.status(),
      breaker: snapshot.breaker,
      metrics: snapshot,
      chaosRun: this.chaos.runs().find((r) => r.status === 'running') ?? null,
      loadtest: this.events.runningLoadTest,
      logTargets: authorized ? this.logs.targets() : [],
    };
  }
}
