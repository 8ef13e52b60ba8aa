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
