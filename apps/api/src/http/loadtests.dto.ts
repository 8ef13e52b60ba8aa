import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  KEY_DISTRIBUTIONS,
  LOADTEST_PHASES,
  LOADTEST_LIMITS,
  LOADTEST_STATUSES,
  type KeyDistribution,
  type LatencySummary,
  type LoadTestOutage,
  type LoadTestPhase,
  type LoadTestProgress,
  type LoadTestRequest,
  type LoadTestRun,
  type LoadTestStatus,
} from '@rrl/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';

/** Body and OpenAPI shapes of the loop-test API; the types themselves live in @rrl/contracts. */

const { maxIterations: MAX_ITERATIONS, maxKeys: MAX_KEYS, maxConcurrency: MAX_CONCURRENCY } = LOADTEST_LIMITS;

export class LoadTestKeysDto {
  @ApiProperty({ enum: KEY_DISTRIBUTIONS, description: 'zipf: user 1 is the hottest, user k read 1/k as often' })
  @IsIn(KEY_DISTRIBUTIONS)
  distribution!: KeyDistribution;

  @ApiProperty({ minimum: 1, maximum: MAX_KEYS, example: 1000, description: 'users 1..count are read and written' })
  @IsInt()
  @Min(1)
  @Max(MAX_KEYS)
  count!: number;
}

export class LoadTestRequestDto implements LoadTestRequest {
  @ApiProperty({ minimum: 1, maximum: MAX_ITERATIONS, example: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_ITERATIONS)
  iterations!: number;

  @ApiProperty({ minimum: 1, maximum: MAX_CONCURRENCY, example: 64 })
  @IsInt()
  @Min(1)
  @Max(MAX_CONCURRENCY)
  concurrency!: number;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9, description: 'share of reads; the rest are writes (PATCH city)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  readRatio!: number;

  @ApiProperty({ type: LoadTestKeysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LoadTestKeysDto)
  keys!: LoadTestKeysDto;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_ITERATIONS, description: 'iterations run first and not counted' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ITERATIONS)
  warmup?: number;

  @ApiPropertyOptional({ description: 'insert the users 1..keys.count first when some are missing (otherwise 400)' })
  @IsOptional()
  @IsBoolean()
  seed?: boolean;
}

class LatencySummaryDto implements LatencySummary {
  @ApiProperty() count!: number;
  @ApiProperty({ nullable: true, type: Number }) p50!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p99!: number | null;
  @ApiProperty({ nullable: true, type: Number }) max!: number | null;
}

class LoadTestOutageDto implements LoadTestOutage {
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Redis ready again → first read served from Redis' }) timeToRecoverMs!:
    number | null;
  @ApiProperty() readsServedByMysql!: number;
}

class LoadTestProgressDto implements LoadTestProgress {
  @ApiProperty() done!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'iterations per second over the last second' }) ratePerSecond!: number;
  @ApiProperty() averageRatePerSecond!: number;
  @ApiProperty({ nullable: true, type: Number }) etaSeconds!: number | null;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() successRate!: number;
  @ApiProperty({ example: { redis: 990_000, mysql: 10_000, none: 0 } }) readsBySource!: LoadTestProgress['readsBySource'];
  @ApiProperty() writes!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { STORES_UNAVAILABLE: 3 } })
  errorsByKind!: Record<string, number>;
  @ApiProperty({ type: LatencySummaryDto }) latency!: LatencySummaryDto;
  @ApiProperty({ type: [LoadTestOutageDto] }) outages!: LoadTestOutageDto[];
}

export class LoadTestRunDto implements LoadTestRun {
  @ApiProperty() id!: string;
  @ApiProperty({ type: LoadTestRequestDto }) request!: LoadTestRequestDto;
  @ApiProperty({ enum: LOADTEST_STATUSES }) status!: LoadTestStatus;
  @ApiProperty({ enum: LOADTEST_PHASES }) phase!: LoadTestPhase;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ type: LoadTestProgressDto }) progress!: LoadTestProgressDto;
}
