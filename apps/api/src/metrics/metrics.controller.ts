import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { MetricsSnapshot } from '@rrl/contracts';
import type { FastifyReply } from 'fastify';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus text exposition: reads, cache results, Redis errors, breaker, outages, latency; process metrics' })
  @ApiProduces('text/plain')
  async prometheus(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.prometheus.contentType);
    return this.metrics.prometheus.metrics();
  }

  @Get('api/metrics/snapshot')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Totals, rates over 10 s and 60 s, latency percentiles per source, Redis and breaker state, outages' })
  @ApiOkResponse({ description: 'MetricsSnapshot (libs/contracts/src/metrics.ts)' })
  snapshot(): MetricsSnapshot {
    return this.metrics.snapshot();
  }
}
