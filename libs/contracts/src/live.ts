/**
 * The WebSocket feed at /ws: JSON messages `{ "type": ..., "data": ... }`, typed once here and used by
 * the API's gateway and the dashboard. Server messages are facts with timestamps; the dashboard derives
 * the rest.
 */
import type { ChaosRun, LogLine, TimelineEvent } from './chaos';
import type { LoadTestRun } from './loadtest';
import type { BreakerStateEvent, MetricsSnapshot, RedisStateEvent } from './metrics';
import type { RedisStatus } from './redis';
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
  error: { code: string; message: string };
}

/** Client → server. The token is the chaos token (needed for logs). */
export interface ClientMessageMap {
  subscribe: { logs: string[]; token?: string };
  unsubscribe: { logs: string[] };
}

export type ServerMessageType = keyof ServerMessageMap;
export type ClientMessageType = keyof ClientMessageMap;
export type ServerMessage = { [K in ServerMessageType]: { type: K; data: ServerMessageMap[K] } }[ServerMessageType];
export type ClientMessage = { [K in ClientMessageType]: { type: K; data: ClientMessageMap[K] } }[ClientMessageType];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ['subscribe', 'unsubscribe'];
