/**
 * The WebSocket feed at /ws: JSON messages `{ "type": ..., "data": ... }`, typed once here and used by
 * the API's gateway and the dashboard. Server messages are facts with timestamps; the dashboard derives
 * the rest.
 */
import type { ChaosRun, LogLine, TimelineEvent } from './chaos';
import type { LoadTestRun } from './loadtest';
import type { BreakerStateEvent, MetricReadSource, MetricsSnapshot, RedisStateEvent } from './metrics';
import type { RedisConnectionState, RedisStatus } from './redis';
import type { BreakerState } from './cache';

/** Log target id of the API's own log lines. */
export const API_LOG_TARGET = 'api';

export interface HelloData {
  /** Server time, ISO-8601. */
  at: string;
  redis: RedisStatus;
  breaker: { state: BreakerState; since: string | null };
  metrics: MetricsSnapshot;
  chaosRun: ChaosRun | null;
  loadtest: LoadTestRun | null;
  /** Log targets this client may subscribe to (needs the chaos token). */
  logTargets: string[];
}

/**
 * How often a client gets `metrics` ticks: it asks with a `feed` message (null pauses them; state
 * transitions still arrive). 250 ms (4 Hz) is the floor: a snapshot costs the server a few window
 * computations and the dashboard a chart redraw, and a sub-second recovery is already visible at it.
 */
export const FEED_TICK_LIMITS = { minMs: 250, maxMs: 60_000, defaultMs: 1000 } as const;

/** The server keeps one point a second for this long (15 minutes), the widest window the dashboard draws. */
export const METRICS_HISTORY_SECONDS = 900;

/** One second of the server's metrics history (the `history` message). */
export interface MetricsHistoryPoint {
  /** Epoch milliseconds the second ended. */
  at: number;
  readsPerSecond: Record<MetricReadSource, number>;
  /** Read latency percentiles over the 60 s before `at`, as the `metrics` snapshot reports them; ms, null without reads. */
  p50: Record<MetricReadSource, number | null>;
  p99: Record<MetricReadSource, number | null>;
  redis: RedisConnectionState;
  breaker: BreakerState;
}

export type ChaosRunEvent =
  { kind: 'started'; run: ChaosRun } | { kind: 'timeline'; runId: string; event: TimelineEvent } | { kind: 'ended'; run: ChaosRun };

export type LoadTestEvent = { kind: 'progress'; run: LoadTestRun } | { kind: 'ended'; run: LoadTestRun };

export interface LogMessageData {
  target: string;
  lines: (LogLine & { level?: string })[];
  /** Lines dropped for this client since its last log message (it read too slowly). */
  dropped?: number;
}

/** Server → client. */
export interface ServerMessageMap {
  hello: HelloData;
  metrics: MetricsSnapshot;
  'redis-state': RedisStateEvent;
  'breaker-state': BreakerStateEvent;
  'chaos-run': ChaosRunEvent;
  loadtest: LoadTestEvent;
  log: LogMessageData;
  subscribed: { logs: string[] };
  /** The answer to `feed`: the tick interval now in force for this client (null: paused). */
  feed: { tickMs: number | null };
  /** The answer to `history`: the last `seconds` of per-second points, oldest first. */
  history: { points: MetricsHistoryPoint[] };
  error: { code: string; message: string };
}

/** Client → server. The token is the chaos token (needed for logs). */
export interface ClientMessageMap {
  subscribe: { logs: string[]; token?: string };
  unsubscribe: { logs: string[] };
  /** This connection's tick interval, FEED_TICK_LIMITS.minMs..maxMs, or null to pause ticks. */
  feed: { tickMs: number | null };
  /** Ask for the last `seconds` (1..METRICS_HISTORY_SECONDS) of per-second history. */
  history: { seconds: number };
}

export type ServerMessageType = keyof ServerMessageMap;
export type ClientMessageType = keyof ClientMessageMap;
export type ServerMessage = { [K in ServerMessageType]: { type: K; data: ServerMessageMap[K] } }[ServerMessageType];
export type ClientMessage = { [K in ClientMessageType]: { type: K; data: ClientMessageMap[K] } }[ClientMessageType];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ['subscribe', 'unsubscribe', 'feed', 'history'];
