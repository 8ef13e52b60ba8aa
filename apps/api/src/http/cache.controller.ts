import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { UserCacheService } from '@rrl/cache';
import { MAX_USER_BATCH, type CacheStats, type ClearResult, type WarmRequest, type WarmResult } from '@rrl/contracts';
import {
  IsInt,
  IsOptional,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ApiErrorResponses } from './api-error.dto';
import { OperatorOnly } from './operator-token.guard';

/** toId before fromId is a range with no id in it: warming it would answer 200 having done nothing. */
@ValidatorConstraint({ name: 'notBeforeFromId' })
class NotBeforeFromId implements ValidatorConstraintInterface {
  validate(toId: unknown, args: ValidationArguments): boolean {
    const { fromId } = args.object as WarmRequest;
    return typeof fromId !== 'number' || typeof toId !== 'number' || toId >= fromId;
  }

  defaultMessage(args: ValidationArguments): string {
    const { fromId, toId } = args.object as WarmRequest;
    return `toId must not be less than fromId: ${fromId}..${toId} is an empty range`;
  }
}

export class WarmRequestDto implements WarmRequest {
  @ApiPropertyOptional({ minimum: 1, description: 'First id to load (default: the first user)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  fromId?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Last id to load, at least fromId (default: the last user)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Validate(NotBeforeFromId)
  toId?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_USER_BATCH,
    description: 'Users per pipelined batch (default redis.caching.warmBatchSize)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USER_BATCH)
  batchSize?: number;
}

class WarmResultDto implements WarmResult {
  @ApiProperty() warmed!: number;
  @ApiProperty() batches!: number;
  @ApiProperty() durationMs!: number;
}

class ClearResultDto implements ClearResult {
  @ApiProperty() deleted!: number;
}

@ApiTags('cache')
@ApiErrorResponses(400, 503)
@Controller('api/cache')
export class CacheController {
  constructor(private readonly cache: UserCacheService) {}

  @Post('warm')
  @OperatorOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Load users (all, or an id range) into Redis in pipelined batches' })
  @ApiOkResponse({ type: WarmResultDto })
  warm(@Body() body: WarmRequestDto = {}): Promise<WarmResult> {
    return this.cache.warm(body);
  }

  @Delete()
  @OperatorOnly()
  @ApiOperation({ summary: 'Delete every cached user key (SCAN + UNLINK, never KEYS)' })
  @ApiOkResponse({ type: ClearResultDto })
  clear(): Promise<ClearResult> {
    return this.cache.clear();
  }

  @Get('stats')
  @ApiOperation({ summary: 'Hits, misses, errors, pending invalidations and the circuit breaker' })
  stats(): CacheStats {
    return this.cache.stats();
  }
}
