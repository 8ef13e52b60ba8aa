import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ApiLogTap } from './api-log-tap';
import { LiveAccessPolicy } from './live-access.policy';
import { LiveEventFanout } from './live-event.fanout';
import { LiveHelloBuilder } from './live-hello.builder';
import { LiveLogFeed } from './live-log.feed';
import { LiveMessageHandler } from './live-message.handler';
import { LiveSessionRegistry } from './live-session.registry';
import { LiveTickScheduler } from './live-tick.scheduler';
import { LiveGateway } from './live.gateway';
import { LIVE_DEFAULTS, LIVE_OPTIONS, type LiveOptions } from './live.options';

export interface LiveModuleOptions {
  /** The app's cache, chaos and metrics module objects (shared by reference). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** The tap the app's logger writes through (logger.ts), for the `api` log target. */
  apiLogTap: ApiLogTap;
  limits?: Partial<LiveOptions>;
}

/** The WebSocket feed at /ws (needs the WsAdapter, app.factory.ts). */
@Module({})
export class LiveModule {
  static forRoot({ imports, apiLogTap, limits }: LiveModuleOptions): DynamicModule {
    return {
      module: LiveModule,
      imports,
      providers: [
        { provide: LIVE_OPTIONS, useValue: { ...LIVE_DEFAULTS, ...limits } },
        { provide: ApiLogTap, useValue: apiLogTap },
        LiveSessionRegistry,
        LiveTickScheduler,
        LiveEventFanout,
        LiveLogFeed,
        LiveAccessPolicy,
        LiveMessageHandler,
        LiveHelloBuilder,
        LiveGateway,
      ],
      exports: [LiveGateway],
    };
  }
}
