import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ManagedProcess } from '@rrl/chaos';

/** Local server processes the embedded default started before Nest booted (the managed redis-server). */
export const EMBEDDED_PROCESSES = Symbol('EMBEDDED_PROCESSES');
export const InjectEmbeddedProcesses = (): ParameterDecorator => Inject(EMBEDDED_PROCESSES);

/** Whoever opens closes: the processes started for the API stop with it. */
@Injectable()
export class EmbeddedProcessesShutdown implements OnApplicationShutdown {
  constructor(@InjectEmbeddedProcesses() private readonly processes: ManagedProcess[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }
}
