import type { ChaosTarget, ChaosTargetKind, ScenarioName, ScenarioParams } from '@rrl/contracts';
import type { z } from 'zod';
import type { ChaosDriver } from '../drivers';
import type { FaultProxy } from '../proxy';
import type { SentinelAdmin } from '../sentinel/sentinel-admin';
import type { MasterSwitch } from '../sentinel/sentinel-description';
import type { RedisCredentials } from './app-under-test';

/** A target a scenario acts on, resolved through its driver. */
export interface ResolvedTarget {
  /** The id as the API lists it ("process:redis-6390", "docker:3f2a..."). */
  id: string;
  /** The id the driver knows it by. */
  localId: string;
  driver: ChaosDriver;
  target: ChaosTarget;
}

/** What a scenario may use while it injects its fault. */
export interface ScenarioContext {
  /** In the order targetsOf() named them. */
  targets: ResolvedTarget[];
  proxy: FaultProxy | null;
  credentials: RedisCredentials;
  /** Marks the moment the fault is issued (the "action" the report measures from). Call it right before the destructive call. */
  action(message: string): void;
  /** Registers how to undo what the scenario is about to do; undo steps run newest first, whatever happens. */
  undo(message: string, step: () => Promise<void>): void;
  /** A value that must never appear in the report (a password): removed from every message. */
  secret(value: string): void;
  /** Aborts when the run is cancelled (or its safety timeout fires): a scenario that waits stops waiting. */
  signal: AbortSignal;
  /** The app's Sentinel topology (null for a single node), watched for +switch-master since the run started. */
  sentinel: SentinelRun | null;
}

/** Sentinel, as a run sees it. */
export interface SentinelRun {
  admin: SentinelAdmin;
  /** The first +switch-master received since `since` (ms since epoch); null when the run is cancelled; rejects after timeoutMs. */
  promotion(since: number, timeoutMs: number): Promise<MasterSwitch | null>;
}

/** What a scenario may look at to decide its targets. */
export interface TargetLookup {
  /** The app's sentinels, null when it talks to a single node. */
  sentinel: SentinelAdmin | null;
  /** Every target the drivers list now. */
  list(): Promise<ChaosTarget[]>;
}

/** A target parameter and the kinds it accepts. */
export interface TargetSlot {
  param: string;
  id: string;
  kinds: ChaosTargetKind[];
}

export interface ScenarioLimits {
  /** Longest duration/downtime accepted (config chaos.maxDurationMs). */
  maxDurationMs: number;
}

/**
 * One failure mode. A scenario is declarative about its parameters and targets; the runner
 * validates, resolves, times, cancels and restores. inject() does the damage and registers its
 * undo steps; the runner holds the fault for holdMs() and then runs them.
 */
export interface Scenario<P extends object = ScenarioParams> {
  name: ScenarioName;
  summary: string;
  /** zod schema of the body (strict: an unknown parameter is a 400 naming it); defaults filled in. */
  params(limits: ScenarioLimits): z.ZodType<P>;
  /** The targets to resolve; may ask the lookup (the current Sentinel master). Throws a 400 when it cannot apply. */
  targetsOf(params: P, lookup: TargetLookup): TargetSlot[] | Promise<TargetSlot[]>;
  /** Checks that need the resolved targets (e.g. a partition needs the proxy or Docker); throws a 400. */
  check?(targets: ResolvedTarget[], proxy: FaultProxy | null): void;
  holdMs(params: P): number;
  inject(ctx: ScenarioContext, params: P): Promise<void>;
}
