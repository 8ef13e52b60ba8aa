/** Chaos targets, their logs and the fault proxy's toxics: what the API and the dashboard show. */

export const CHAOS_TARGET_KINDS = ['redis', 'mysql', 'other'] as const;
export type ChaosTargetKind = (typeof CHAOS_TARGET_KINDS)[number];

export const CHAOS_DRIVER_NAMES = ['docker', 'process'] as const;
export type ChaosDriverName = (typeof CHAOS_DRIVER_NAMES)[number];

export const CHAOS_TARGET_STATES = ['running', 'paused', 'stopped', 'exited', 'starting', 'unknown'] as const;
/** "stopped" = ended cleanly (SIGTERM, exit 0); "exited" = crashed or SIGKILLed. */
export type ChaosTargetState = (typeof CHAOS_TARGET_STATES)[number];

export interface ChaosEndpoint {
  host: string;
  port: number;
}

/** A container or local process a chaos driver may kill, stop, pause or cut off. */
export interface ChaosTarget {
  id: string;
  name: string;
  kind: ChaosTargetKind;
  driver: ChaosDriverName;
  state: ChaosTargetState;
  /** Where clients reach it from this host, when known (a stopped container may have none). */
  endpoint?: ChaosEndpoint;
  labels?: Record<string, string>;
}

/** One line of a target's output. */
export interface LogLine {
  /** ISO-8601 time the line was written (Docker's timestamp, or when the process printed it). */
  at: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** Toxiproxy's naming: "upstream" = client → server, "downstream" = server → client. */
export type ToxicDirection = 'upstream' | 'downstream' | 'both';

interface ToxicBase {
  /** Unique per proxy; setting a toxic with a taken name replaces it. */
  name: string;
}

/** Delays every chunk by latencyMs ± jitterMs, keeping byte order. */
export interface LatencyToxic extends ToxicBase {
  type: 'latency';
  latencyMs: number;
  jitterMs?: number;
  /** Default "both". */
  direction?: ToxicDirection;
}

/** Accepts and keeps connections but forwards nothing: a half-open connection. */
export interface BlackholeToxic extends ToxicBase {
  type: 'blackhole';
  direction?: ToxicDirection;
}

/** Resets every connection (TCP RST); new connections are reset at once. */
export interface ResetPeerToxic extends ToxicBase {
  type: 'reset_peer';
}

/** Caps throughput per connection and direction. */
export interface BandwidthToxic extends ToxicBase {
  type: 'bandwidth';
  bytesPerSecond: number;
  direction?: ToxicDirection;
}

/** Stops listening: connects get ECONNREFUSED, open connections are closed. */
export interface DownToxic extends ToxicBase {
  type: 'down';
}

export type Toxic = LatencyToxic | BlackholeToxic | ResetPeerToxic | BandwidthToxic | DownToxic;
export type ToxicType = Toxic['type'];

export interface FaultProxyStats {
  listening: boolean;
  port: number;
  upstream: ChaosEndpoint;
  connectionsTotal: number;
  connectionsOpen: number;
  /** Bytes received from clients (client → server). */
  bytesUpstream: number;
  /** Bytes received from the server (server → client). */
  bytesDownstream: number;
  toxics: Toxic[];
}

// ---- scenarios and run reports -------------------------------------------------------------

export const SCENARIO_NAMES = [
  'crash',
  'stop-start',
  'restart',
  'pause',
  'auth-failure',
  'partition',
  'latency',
  'mysql-outage',
  'both-down',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Every scenario names its target by id, as GET /api/chaos/targets lists it ("process:redis-6390", "docker:<id>"). */
export interface TargetParams {
  target: string;
}
/** crash (SIGKILL), stop-start (SIGTERM) and restart: down for downtimeMs, then started again. */
export interface DowntimeParams extends TargetParams {
  downtimeMs?: number;
}
/** pause, auth-failure, partition, mysql-outage: the fault lasts durationMs, then is undone. */
export interface DurationParams extends TargetParams {
  durationMs?: number;
}
export interface LatencyParams extends DurationParams {
  latencyMs?: number;
  jitterMs?: number;
}
/** both-down: `target` is the Redis target, `mysqlTarget` the MySQL one. */
export interface BothDownParams extends DurationParams {
  mysqlTarget: string;
}
export type ScenarioParams = DowntimeParams | DurationParams | LatencyParams | BothDownParams;

/**
 * running → completed | cancelled | failed | timed-out (the safety timeout restored the target);
 * interrupted: the API stopped mid-run (the next boot marks it and restores its targets).
 */
export const CHAOS_RUN_STATUSES = ['running', 'completed', 'cancelled', 'failed', 'timed-out', 'interrupted'] as const;
export type ChaosRunStatus = (typeof CHAOS_RUN_STATUSES)[number];

/** Where a running scenario is: injecting the fault, holding it, undoing it, watching the app recover. */
export type ChaosRunPhase = 'injecting' | 'holding' | 'restoring' | 'observing' | 'done';

export const TIMELINE_EVENT_TYPES = [
  'action', // the fault was issued
  'first-failure', // first failed / non-Redis read, or first transition away from ready
  'redis-state', // a transition of the Redis connection
  'breaker-state', // a transition of the circuit breaker
  'reconnect-attempt', // ioredis scheduled a reconnect, with its backoff delay
  'target-back', // the fault was undone (target started, unpaused, toxic removed...)
  'app-reconnected', // the Redis connection became ready again (or the database answered again)
  'first-redis-read', // first read served from Redis after the target came back
  'cancelled',
  'timeout',
  'error',
  'note',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface TimelineEvent {
  /** ISO-8601. */
  at: string;
  /** Milliseconds since the run started. */
  offsetMs: number;
  type: TimelineEventType;
  message: string;
  data?: Record<string, string | number | boolean | null>;
}

export interface RunMetrics {
  reads: { total: number; redis: number; mysql: number; none: number; failed: number };
  /** Failed reads by error code (e.g. STORES_UNAVAILABLE). */
  readErrorsByKind: Record<string, number>;
  /** Redis connection errors by kind (refused, timeout, auth...), from its transitions. */
  redisErrorsByKind: Record<string, number>;
  /** Read latency over the run, ms (null without reads). */
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  reconnectAttempts: number;
  /** Action issued → first failure seen (null when the app never noticed). */
  timeToDetectMs: number | null;
  /** Target back → first read served from Redis again (for a MySQL-only outage: → database answers again). */
  timeToRecoverMs: number | null;
}

export interface ChaosRun {
  id: string;
  scenario: ScenarioName;
  /** The validated parameters, defaults filled in; never a secret. */
  params: ScenarioParams & Record<string, unknown>;
  /** Every target the scenario acts on. */
  targets: string[];
  status: ChaosRunStatus;
  phase: ChaosRunPhase;
  startedAt: string;
  endedAt: string | null;
  /** Why the run failed, when it did. */
  error: string | null;
  timeline: TimelineEvent[];
  metrics: RunMetrics;
}

/** GET /api/chaos/targets: every target, and which drivers could be asked. */
export interface ChaosTargetsResponse {
  targets: ChaosTarget[];
  drivers: { name: ChaosDriverName; available: boolean; error?: string }[];
  proxy: FaultProxyStats | null;
}

/** GET /api/chaos/scenarios: what can be run, and its parameters as JSON Schema (defaults and bounds included). */
export interface ScenarioInfo {
  name: ScenarioName;
  summary: string;
  parameters: Record<string, unknown>;
}
