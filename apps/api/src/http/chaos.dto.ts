import { ApiProperty, ApiPropertyOptional, type OpenAPIObject } from '@nestjs/swagger';
import {
  CHAOS_DRIVER_NAMES,
  CHAOS_RUN_STATUSES,
  CHAOS_TARGET_KINDS,
  CHAOS_TARGET_STATES,
  SCENARIO_NAMES,
  TIMELINE_EVENT_TYPES,
  type ChaosDriverName,
  type ChaosRun,
  type ChaosRunPhase,
  type ChaosRunStatus,
  type ChaosTarget,
  type ChaosTargetKind,
  type ChaosTargetState,
  type LogLine,
  type RunMetrics,
  type ScenarioInfo,
  type ScenarioName,
  type TimelineEvent,
  type TimelineEventType,
} from '@rrl/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** OpenAPI shapes of the chaos API; the types themselves live in @rrl/contracts. */

class EndpointDto {
  @ApiProperty({ example: '127.0.0.1' }) host!: string;
  @ApiProperty({ example: 6390 }) port!: number;
}

export class ChaosTargetDto implements ChaosTarget {
  @ApiProperty({ example: 'process:redis-6390', description: '"<driver>:<driver id>": pass it as `target`' }) id!: string;
  @ApiProperty({ example: 'redis-6390' }) name!: string;
  @ApiProperty({ enum: CHAOS_TARGET_KINDS }) kind!: ChaosTargetKind;
  @ApiProperty({ enum: CHAOS_DRIVER_NAMES }) driver!: ChaosDriverName;
  @ApiProperty({ enum: CHAOS_TARGET_STATES }) state!: ChaosTargetState;
  @ApiPropertyOptional({ type: EndpointDto }) endpoint?: EndpointDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) labels?: Record<string, string>;
}

class DriverStatusDto {
  @ApiProperty({ enum: CHAOS_DRIVER_NAMES }) name!: ChaosDriverName;
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ example: 'Docker engine unreachable: connect ENOENT /var/run/docker.sock' }) error?: string;
}

export class ChaosTargetsDto {
  @ApiProperty({ type: [ChaosTargetDto] }) targets!: ChaosTargetDto[];
  @ApiProperty({ type: [DriverStatusDto], description: 'A driver that cannot be reached (no Docker engine) is listed with its error' })
  drivers!: DriverStatusDto[];
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'Fault proxy statistics, null when disabled',
  })
  proxy!: unknown;
}

class LogLineDto implements LogLine {
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ['stdout', 'stderr'] }) stream!: 'stdout' | 'stderr';
  @ApiProperty() line!: string;
}

export class TargetLogsDto {
  @ApiProperty() target!: string;
  @ApiProperty({ type: [LogLineDto] }) lines!: LogLineDto[];
}

export class LogsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  tail = 100;
}

class TimelineEventDto implements TimelineEvent {
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'ms since the run started' }) offsetMs!: number;
  @ApiProperty({ enum: TIMELINE_EVENT_TYPES }) type!: TimelineEventType;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) data?: TimelineEvent['data'];
}

class RunMetricsDto implements RunMetrics {
  @ApiProperty({ example: { total: 412, redis: 380, mysql: 32, none: 0, failed: 0 } }) reads!: RunMetrics['reads'];
  @ApiProperty({ example: { STORES_UNAVAILABLE: 3 } }) readErrorsByKind!: Record<string, number>;
  @ApiProperty({ example: { refused: 12 } }) redisErrorsByKind!: Record<string, number>;
  @ApiProperty({ example: { p50: 1.2, p99: 480, max: 510 } }) latencyMs!: RunMetrics['latencyMs'];
  @ApiProperty() reconnectAttempts!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'action issued → first failure seen' }) timeToDetectMs!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'target back → first read served from Redis again' }) timeToRecoverMs!:
    number | null;
}

export class ChaosRunDto implements ChaosRun {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: SCENARIO_NAMES }) scenario!: ScenarioName;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { target: 'process:redis-6390', downtimeMs: 5000 } })
  params!: ChaosRun['params'];
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiProperty({ enum: CHAOS_RUN_STATUSES }) status!: ChaosRunStatus;
  @ApiProperty({ enum: ['injecting', 'holding', 'restoring', 'observing', 'done'] }) phase!: ChaosRunPhase;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ type: [TimelineEventDto] }) timeline!: TimelineEventDto[];
  @ApiProperty({ type: RunMetricsDto }) metrics!: RunMetricsDto;
}

export class ScenarioInfoDto implements ScenarioInfo {
  @ApiProperty({ enum: SCENARIO_NAMES }) name!: ScenarioName;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the request body' }) parameters!: Record<
    string,
    unknown
  >;
}

/** The path of POST /api/chaos/scenarios/:name in the OpenAPI document. */
export const SCENARIO_START_PATH = '/api/chaos/scenarios/{name}';

/**
 * Documents the body of POST /api/chaos/scenarios/:name as the scenarios' own parameter schemas
 * (the zod schemas the runner validates with, as GET /api/chaos/scenarios lists them), so the two
 * cannot drift apart: one schema per scenario, titled with its name.
 */
export function documentScenarioBodies(document: OpenAPIObject, scenarios: readonly ScenarioInfo[]): OpenAPIObject {
  const start = document.paths[SCENARIO_START_PATH]?.post;
  if (!start) throw new Error(`${SCENARIO_START_PATH} is not in the OpenAPI document`);
  // z.toJSONSchema's output for these objects of strings and bounded integers uses only keywords OpenAPI 3.0 shares.
  const schema = { anyOf: scenarios.map((s) => ({ title: s.name, ...s.parameters })) } as object;
  start.requestBody = {
    required: false,
    description: 'The parameters of the scenario named in the path (validated with its schema; unknown fields are refused)',
    content: { 'application/json': { schema } },
  };
  return document;
}
