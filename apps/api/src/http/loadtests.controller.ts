import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LoadTestRun } from '@rrl/contracts';
import { LoadTestService } from '@rrl/loadtest';
import { ApiErrorResponses } from './api-error.dto';
import { OperatorOnly } from './operator-token.guard';
import { LoadTestRequestDto, LoadTestRunDto } from './loadtests.dto';

@ApiTags('loadtests')
@OperatorOnly()
@Controller('api/loadtests')
export class LoadTestsController {
  constructor(private readonly loadtests: LoadTestService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a loop test in the API process (reads and writes through the cache the HTTP routes use); one at a time',
  })
  @ApiAcceptedResponse({ type: LoadTestRunDto })
  @ApiErrorResponses(400, 409, 503)
  start(@Body() body: LoadTestRequestDto): Promise<LoadTestRun> {
    // The DTO instance carries class-transformer's prototype; the run stores a plain copy.
    return this.loadtests.start({ ...body, keys: { ...body.keys } });
  }

  @Get()
  @ApiOperation({ summary: 'The running loop test first, then past ones (kept across restarts), newest first' })
  @ApiOkResponse({ type: [LoadTestRunDto] })
  list(): Promise<LoadTestRun[]> {
    return this.loadtests.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One loop test with its progress (live while it runs)' })
  @ApiOkResponse({ type: LoadTestRunDto })
  @ApiErrorResponses(404)
  get(@Param('id') id: string): Promise<LoadTestRun> {
    return this.loadtests.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the loop test: no new iteration starts; answers once the ones in flight are done' })
  @ApiOkResponse({ type: LoadTestRunDto })
  @ApiErrorResponses(404, 409)
  cancel(@Param('id') id: string): Promise<LoadTestRun> {
    return this.loadtests.cancel(id);
  }
}
