import { Injectable } from '@nestjs/common';
import { ChaosService } from '@rrl/chaos/nest';
import type { HelloData } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { MetricsService } from '../metrics/metrics.service';
import { LiveAccessPolicy } from './live-access.policy';
import { LiveEventFanout } from './live-event.fanout';
import { LiveLogFeed } from './live-log.feed';

/** The `hello` a client gets on connect: everything current it may see, so the page is right before the first event. */
@Injectable()
export class LiveHelloBuilder {
  constructor(
    private readonly metrics: MetricsService,
    private readonly redis: RedisConnectionService,
    private readonly chaos: ChaosService,
    private readonly events: LiveEventFanout,
    private readonly logs: LiveLogFeed,
    private readonly policy: LiveAccessPolicy,
  ) {}

  build(authorized: boolean): HelloData {
    const snapshot = this.metrics.snapshot();
    const hello: HelloData = {
      at: snapshot.at,
      redis: this.redis.status(),
      breaker: snapshot.breaker,
      metrics: snapshot,
      chaosRun: this.chaos.runs().find((r) => r.status === 'running') ?? null,
      loadtest: this.events.runningLoadTest,
      logTargets: authorized ? this.logs.targets() : [],
    };
    return this.policy.hello(hello, authorized);
  }
}
