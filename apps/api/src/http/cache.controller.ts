import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { UserCacheService } from '@rrl/cache';
import type { CacheStats, ClearResult, WarmRequest, WarmResult } from '@rrl/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiErrorResponses } from './api-error.dto';

export class WarmRequestDto implements WarmRequest {
  @ApiPropertyOptional({ minimum: 1, description: 'First id to load (default: the first user)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  fromId?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Last id to load (default: the last user)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  toId?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, description: 'Users per pipelined batch (default redis.caching.warmBatchSize)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
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
  @HttpCode(200)
  @ApiOperation({ summary: 'Load users (all, or an id range) into Redis in pipelined batches' })
  @ApiOkResponse({ type: WarmResultDto })
  warm(@Body() body: WarmRequestDto = {}): Promise<WarmResult> {
    return this.cache.warm(body);
  }

  @Delete()
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
