import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { releaseLabRuntime, type LabRuntime } from './lab-runtime';

/** The runtime prepared before Nest booted (managed redis-server, fault proxy, local targets). */
export const LAB_RUNTIME = Symbol('LAB_RUNTIME');
export const InjectLabRuntime = (): ParameterDecorator => Inject(LAB_RUNTIME);

/** Whoever opens closes: what the runtime started stops with the API. */
@Injectable()
export class LabRuntimeShutdown implements OnApplicationShutdown {
  constructor(@InjectLabRuntime() private readonly runtime: LabRuntime) {}

  onApplicationShutdown(): Promise<void> {
    return releaseLabRuntime(this.runtime);
  }
}
