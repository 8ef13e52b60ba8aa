import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RedisConnectionService } from '@rrl/redis';
import { releaseLabRuntime, type LabRuntime } from './lab-runtime';

/** The runtime prepared before Nest booted (managed redis-server, fault proxy, local targets). */
export const LAB_RUNTIME = Symbol('LAB_RUNTIME');
export const InjectLabRuntime = (): ParameterDecorator => Inject(LAB_RUNTIME);

/** Whoever opens closes: what the runtime started stops with the API. */
@Injectable()
export class LabRuntimeShutdown implements OnApplicationShutdown {
  constructor(
    @InjectLabRuntime() private readonly runtime: LabRuntime,
    private readonly redis: RedisConnectionService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // The managed redis-server outlives the client (shutdown hooks run in no set order across
    // modules): the client quits first (stop() is idempotent), or the server's close would be logged
    // as an outage on every clean stop.
    await this.redis.stop();
    await releaseLabRuntime(this.runtime);
  }
}
