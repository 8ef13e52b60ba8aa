import type { EventEmitter } from 'node:events';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { LoadTestRun } from '@rrl/contracts';

/** What the live feed and the metrics need from the loop test: its progress and end events. */
export interface LoadTestFeed {
  readonly events: EventEmitter<{ progress: [LoadTestRun]; ended: [LoadTestRun] }>;
}

export const LOADTEST_FEED = Symbol('LOADTEST_FEED');

/**
 * Where the loop test plugs in: `LoadTestFeedModule.forRoot(loadTestModule, LoadTestService)` in
 * AppModule's imports. The gateway then pushes `loadtest` progress (coalesced: the latest wins) and
 * the final result and puts the running test in `hello`; MetricsService counts its iterations and
 * finished runs. Without it both simply have no loop test to report.
 */
@Module({})
export class LoadTestFeedModule {
  static forRoot(source: DynamicModule, feed: Type<LoadTestFeed>): DynamicModule {
    return {
      module: LoadTestFeedModule,
      global: true,
      imports: [source],
      providers: [{ provide: LOADTEST_FEED, useExisting: feed }],
      exports: [LOADTEST_FEED],
    };
  }
}
