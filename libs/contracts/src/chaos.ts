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
  /**
   * A container's IP addresses on its networks: how other containers reach it, and how Redis
   * Sentinel names it (a failover scenario finds the master's target by them).
   */
  addresses?: string[];
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
  'failover',
  'failover-pause',
  'manual-failover',
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
/**
 * The Sentinel failovers act on the master the app's sentinels name when the run starts; `target`
 * names its chaos target explicitly instead. `promotionTimeoutMs`: how long to wait for Sentinel's
 * `+switch-master` before the run fails and restores the master.
 */
interface FailoverBaseParams {
  target?: string;
  promotionTimeoutMs?: number;
}
/** failover: SIGKILL the master; after the promotion it stays down for downtimeMs, then starts again (as a replica). */
export interface FailoverParams extends FailoverBaseParams {
  downtimeMs?: number;
}
/** failover-pause: freeze the master; after the promotion it stays frozen for durationMs, then wakes (as a replica). */
export interface FailoverPauseParams extends FailoverBaseParams {
  durationMs?: number;
}
/** manual-failover: SENTINEL FAILOVER; the run watches the app for durationMs after the promotion. */
export interface ManualFailoverParams {
  durationMs?: number;
  promotionTimeoutMs?: number;
}
export type ScenarioParams = DowntimeParams | DurationParams | LatencyParams | BothDownParams | FailoverParams | FailoverPauseParams;

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
  'master-switch', // a sentinel announced a new master (+switch-master)
  'first-new-master-read', // first read served by the new master after the announcement
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
  /** When the app reaches Redis through Sentinel: what a master switch during the run looked like. */
  failover?: FailoverMetrics;
}

/** A Sentinel master switch as the app lived it. Nodes are "host:port" as the sentinels name them. */
export interface FailoverMetrics {
  /**
   * The master the switch left: the node the app's connection was on when the fault was issued
   * (a sentinel that missed an earlier switch announces an older "from"); null without a switch.
   */
  oldMaster: string | null;
  /** The master Sentinel promoted. */
  newMaster: string | null;
  /** Fault issued → the first sentinel's `+switch-master` received. */
  timeToPromotionMs: number | null;
  /** `+switch-master` received → first read the app served from Redis with its connection on the new master. */
  timeToNewMasterReadMs: number | null;
  /** Successful reads over the run by what served them ("other": Redis on a node that is neither). */
  readsByNode: { oldMaster: number; database: number; newMaster: number; other: number };
  /**
   * Writes the app acknowledged from the fault to its first read from the new master: "redisUpdated"
   * when Redis took the write-through, "markedPending" when Redis was unreachable and the keys were
   * marked for invalidation instead.
   */
  writesDuringSwitch: { total: number; redisUpdated: number; markedPending: number };
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
