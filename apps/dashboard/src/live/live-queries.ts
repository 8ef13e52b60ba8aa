import { queryOptions } from '@tanstack/react-query';
import type { BreakerState, ChaosRun, LoadTestRun, MetricsSnapshot, RedisConnectionState, RedisStateEvent } from '@rrl/contracts';
import { apiRequest } from '../lib/api-client';
import type { FeedState } from './live-socket';

/** Current connection and breaker state: from `hello`, every transition, and every metrics tick. */
export interface LiveConnection {
  redis: { state: RedisConnectionState; endpoint: string; attempt: number; since: string | null };
  breaker: { state: BreakerState; since: string | null };
}

/** Query keys of everything the socket feeds: one list, so the hook and the pages agree. */
export const liveKeys = {
  feed: ['live', 'feed'] as const,
  connection: ['live', 'connection'] as const,
  feedError: ['live', 'error'] as const,
  metrics: ['metrics', 'snapshot'] as const,
  redisEvents: ['redis', 'events'] as const,
  chaosCurrent: ['chaos', 'current'] as const,
  chaosRuns: ['chaos', 'runs'] as const,
  loadtestCurrent: ['loadtests', 'current'] as const,
  loadtests: ['loadtests', 'list'] as const,
};

/** Socket-fed data never goes stale by time: the feed pushes every change (and `hello` resets it). */
const pushed = { staleTime: Infinity, gcTime: Infinity } as const;

export const feedQuery = queryOptions<FeedState>({
  queryKey: liveKeys.feed,
  queryFn: () => ({ status: 'connecting', attempt: 0, retryInMs: null, since: Date.now() }),
  ...pushed,
});

export const connectionQuery = queryOptions<LiveConnection | null>({ queryKey: liveKeys.connection, queryFn: () => null, ...pushed });

export const feedErrorQuery = queryOptions<{ code: string; message: string; at: number } | null>({
  queryKey: liveKeys.feedError,
  queryFn: () => null,
  ...pushed,
});

export const metricsQuery = queryOptions({
  queryKey: liveKeys.metrics,
  queryFn: () => apiRequest<MetricsSnapshot>('/api/metrics/snapshot'),
  ...pushed,
});

/** Newest last; seeded from GET /api/redis/history, then every `redis-state` message is appended. */
export const REDIS_EVENTS_KEPT = 200;
export const redisEventsQuery = queryOptions({
  queryKey: liveKeys.redisEvents,
  queryFn: () => apiRequest<RedisStateEvent[]>(`/api/redis/history?limit=${REDIS_EVENTS_KEPT}`),
  ...pushed,
});

export const chaosCurrentQuery = queryOptions<ChaosRun | null>({ queryKey: liveKeys.chaosCurrent, queryFn: () => null, ...pushed });

export const loadtestCurrentQuery = queryOptions<LoadTestRun | null>({
  queryKey: liveKeys.loadtestCurrent,
  queryFn: () => null,
  ...pushed,
});
