import type { QueryClient } from '@tanstack/react-query';
import type { ChaosRun, RedisStateEvent, ServerMessage } from '@rrl/contracts';
import { REDIS_EVENTS_KEPT, liveKeys, type LiveConnection } from './live-queries';
import type { LogStore } from './log-store';
import type { MetricHistory } from './metric-history';

export interface LiveSinks {
  queryClient: QueryClient;
  history: MetricHistory;
  logs: LogStore;
}

/** Chaos timeline events drawn as markers on the Overview charts. */
const MARKED_EVENTS = new Set(['action', 'target-back', 'cancelled']);

/**
 * One server message into the query cache (setQueryData for facts the page shows as they are,
 * invalidateQueries for lists the REST API owns) and into the chart and log buffers.
 */
export function applyServerMessage({ queryClient: qc, history, logs }: LiveSinks, message: ServerMessage): void {
  switch (message.type) {
    case 'hello': {
      const d = message.data;
      qc.setQueryData<LiveConnection>(liveKeys.connection, {
        redis: { state: d.redis.state, endpoint: d.redis.endpoint, attempt: d.redis.attempt, since: d.metrics.redis.since },
        breaker: d.breaker,
      });
      qc.setQueryData(liveKeys.metrics, d.metrics);
      qc.setQueryData(liveKeys.chaosCurrent, d.chaosRun);
      qc.setQueryData(liveKeys.loadtestCurrent, d.loadtest);
      qc.setQueryData(liveKeys.feedError, null);
      history.addSnapshot(d.metrics);
      for (const e of d.chaosRun?.timeline ?? []) if (MARKED_EVENTS.has(e.type)) history.addMarker(e.at, e.message);
      if (d.chaosRun) history.addMarker(d.chaosRun.startedAt, `${d.chaosRun.scenario} started`);
      // What happened while the feed was away is in the REST lists: fetch them again.
      void qc.invalidateQueries({ queryKey: liveKeys.redisEvents });
      void qc.invalidateQueries({ queryKey: liveKeys.chaosRuns });
      void qc.invalidateQueries({ queryKey: liveKeys.loadtests });
      return;
    }
    case 'metrics': {
      const s = message.data;
      qc.setQueryData(liveKeys.metrics, s);
      qc.setQueryData<LiveConnection>(liveKeys.connection, { redis: s.redis, breaker: s.breaker });
      history.addSnapshot(s);
      return;
    }
    case 'history':
      history.addHistory(message.data.points);
      return;
    case 'redis-state':
      if (message.data.from !== message.data.to) history.addRedisTransition(message.data.at, message.data.to);
      return applyRedisState(qc, message.data);
    case 'breaker-state': {
      const e = message.data;
      history.addBreakerTransition(e.at, e.to);
      qc.setQueryData<LiveConnection | null>(liveKeys.connection, (c) => c && { ...c, breaker: { state: e.to, since: e.at } });
      return;
    }
    case 'chaos-run': {
      const e = message.data;
      if (e.kind === 'timeline') {
        qc.setQueryData<ChaosRun | null>(liveKeys.chaosCurrent, (run) =>
          run && run.id === e.runId ? { ...run, timeline: [...run.timeline, e.event] } : run,
        );
        if (MARKED_EVENTS.has(e.event.type)) history.addMarker(e.event.at, e.event.message);
        return;
      }
      qc.setQueryData(liveKeys.chaosCurrent, e.run);
      if (e.kind === 'started') history.addMarker(e.run.startedAt, `${e.run.scenario} started`);
      void qc.invalidateQueries({ queryKey: liveKeys.chaosRuns });
      return;
    }
    case 'loadtest':
      qc.setQueryData(liveKeys.loadtestCurrent, message.data.run);
      if (message.data.kind === 'ended') void qc.invalidateQueries({ queryKey: liveKeys.loadtests });
      return;
    case 'log':
      logs.append(message.data);
      return;
    case 'error':
      qc.setQueryData(liveKeys.feedError, { ...message.data, at: Date.now() });
      return;
    case 'subscribed':
    case 'feed':
      return;
  }
}

function applyRedisState(qc: QueryClient, e: RedisStateEvent): void {
  qc.setQueryData<LiveConnection | null>(
    liveKeys.connection,
    (c) =>
      c && {
        ...c,
        redis: {
          state: e.to,
          endpoint: e.endpoint ?? c.redis.endpoint,
          attempt: e.attempt,
          since: c.redis.state === e.to ? c.redis.since : e.at,
        },
      },
  );
  qc.setQueryData<RedisStateEvent[]>(liveKeys.redisEvents, (events) => (events ? [...events, e].slice(-REDIS_EVENTS_KEPT) : events));
}
