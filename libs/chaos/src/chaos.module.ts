import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rrl/config';
import type { ChaosEndpoint, ChaosTargetKind } from '@rrl/contracts';
import { ChaosAccess } from './chaos-access';
import { ChaosService } from './chaos.service';
import { APP_UNDER_TEST, CHAOS_PROXY, DOCKER_CHAOS_DRIVER, PROCESS_CHAOS_DRIVER } from './chaos.tokens';
import { DockerChaosDriver, ProcessChaosDriver } from './drivers';
import type { ManagedProcess } from './process';
import type { FaultProxy } from './proxy';
import type { AppUnderTest } from './scenarios';

export interface ChaosModuleOptions {
  /** The app's implementation of what chaos breaks and watches: an injectable class built from its own services. */
  appUnderTest: Type<AppUnderTest>;
  /** Modules providing what `appUnderTest` injects that is not global. */
  imports?: ModuleMetadata['imports'];
  /**
   * Local servers (the managed redis-server, a test's mariadbd, its sentinels) offered to the process
   * driver; `endpoint` for a process that does not know its own port (a sentinel).
   */
  processes: { process: ManagedProcess; kind: ChaosTargetKind; endpoint?: ChaosEndpoint; labels?: Record<string, string> }[];
  /** The fault proxy between the app and Redis, when enabled. */
  proxy: FaultProxy | null;
}

function processDriver(processes: ChaosModuleOptions['processes']): ProcessChaosDriver {
  const driver = new ProcessChaosDriver();
  for (const { process, kind, endpoint, labels } of processes) driver.register(process, kind, { endpoint, labels });
  return driver;
}

/**
 * Fault injection: both drivers, the scenario runner and the token check. The app hands in what
 * is broken and watched (`appUnderTest`); each driver is a provider under its token, so a test can
 * replace one (`overrideProvider(DOCKER_CHAOS_DRIVER)`). Expects AppConfigModule (global).
 */
@Module({})
export class ChaosModule {
  static forRoot({ appUnderTest, imports = [], processes, proxy }: ChaosModuleOptions): DynamicModule {
    return {
      module: ChaosModule,
      imports,
      providers: [
        { provide: APP_UNDER_TEST, useClass: appUnderTest },
        { provide: PROCESS_CHAOS_DRIVER, useFactory: () => processDriver(processes) },
        {
          provide: DOCKER_CHAOS_DRIVER,
          useFactory: (config: AppConfig) => new DockerChaosDriver(config.chaos.docker),
          inject: [APP_CONFIG],
        },
        { provide: CHAOS_PROXY, useValue: proxy },
        ChaosService,
        ChaosAccess,
      ],
      exports: [ChaosService, ChaosAccess],
    };
  }
}
