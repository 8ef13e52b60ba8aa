import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { RedisResetResult, RedisStateTransition, RedisStatus } from '@rrl/contracts';
import { RedisConnectionService } from '@rrl/redis';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiErrorResponses } from './api-error.dto';
import { OperatorOnly } from './operator-token.guard';

class HistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

@ApiTags('redis')
@Controller('api/redis')
export class RedisController {
  constructor(private readonly redis: RedisConnectionService) {}

  @Get('status')
  @ApiOperation({ summary: 'Connection state, current attempt, last error and reconnect statistics' })
  status(): RedisStatus {
    return this.redis.status();
  }

  @Get('history')
  @ApiOperation({ summary: 'Recent state transitions of the Redis connection, oldest first' })
  @ApiErrorResponses(400)
  history(@Query() query: HistoryQueryDto): RedisStateTransition[] {
    return this.redis.history(query.limit);
  }

  @Post('reset')
  @OperatorOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Discard the Redis client and build a fresh one (what the stuck-retry detector does)' })
  reset(): Promise<RedisResetResult> {
    return this.redis.forceReset('manual reset via POST /api/redis/reset');
  }
}
