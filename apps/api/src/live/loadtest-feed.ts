import type { EventEmitter } from 'node:events';
import type { LoadTestRun } from '@rrl/contracts';

/**
 * Where the loop test plugs into the live feed: provide LOADTEST_FEED (e.g. `useExisting` the
 * loop-test service) and the gateway pushes `loadtest` progress (coalesced: the latest wins) and the
 * final result, and puts the running test in `hello`.
 */
export interface LoadTestFeed {
  readonly events: EventEmitter<{ progress: [LoadTestRun]; ended: [LoadTestRun] }>;
  /** The run in progress, or null. */
  current(): LoadTestRun | null;
}

export const LOADTEST_FEED = Symbol('LOADTEST_FEED');
