import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ChaosService } from '@rrl/chaos/nest';
import { ChaosRunArchive } from '@rrl/history';
import { SCENARIO_NAMES, type ChaosRun, type ChaosTargetsResponse, type ScenarioInfo } from '@rrl/contracts';
import { ApiErrorResponses } from './api-error.dto';
import { OperatorOnly } from './operator-token.guard';
import { ChaosRunDto, ChaosTargetsDto, LogsQueryDto, ScenarioInfoDto, TargetLogsDto } from './chaos.dto';

@ApiTags('chaos')
@OperatorOnly()
@Controller('api/chaos')
export class ChaosController {
  constructor(
    private readonly chaos: ChaosService,
    private readonly archive: ChaosRunArchive,
  ) {}

  @Get('targets')
  @ApiOperation({ summary: 'Targets of both drivers (local processes, labelled Docker containers) and the fault proxy' })
  @ApiOkResponse({ type: ChaosTargetsDto })
  targets(): Promise<ChaosTargetsResponse> {
    return this.chaos.targets();
  }

  @Get('targets/:id/logs')
  @ApiOperation({ summary: "A target's recent output, oldest first" })
  @ApiOkResponse({ type: TargetLogsDto })
  @ApiErrorResponses(400, 404, 503)
  async logs(@Param('id') id: string, @Query() query: LogsQueryDto): Promise<TargetLogsDto> {
    return { target: id, lines: await this.chaos.logs(id, query.tail) };
  }

  @Get('scenarios')
  @ApiOperation({ summary: 'Every scenario with its parameters (JSON Schema: defaults and bounds)' })
  @ApiOkResponse({ type: [ScenarioInfoDto] })
  scenarios(): ScenarioInfo[] {
    return this.chaos.scenarios();
  }

  @Post('scenarios/:name')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a scenario on a target; it runs in the background (one at a time) and restores the target when it ends or is cancelled',
  })
  @ApiParam({ name: 'name', enum: SCENARIO_NAMES })
  @ApiAcceptedResponse({ type: ChaosRunDto })
  @ApiErrorResponses(400, 404, 409, 503)
  start(@Param('name') name: string, @Body() params: Record<string, unknown>): Promise<ChaosRun> {
    return this.chaos.start(name, params);
  }

  @Get('runs')
  @ApiOperation({ summary: 'The run in progress, then finished runs (kept in the database across restarts), newest first' })
  @ApiOkResponse({ type: [ChaosRunDto] })
  runs(): Promise<ChaosRun[]> {
    return this.archive.list();
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run with its timeline and metrics (readable while it runs)' })
  @ApiOkResponse({ type: ChaosRunDto })
  @ApiErrorResponses(404)
  run(@Param('id') id: string): Promise<ChaosRun> {
    return this.archive.get(id);
  }

  @Post('runs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the run now: the target is restored before this answers' })
  @ApiOkResponse({ type: ChaosRunDto })
  @ApiErrorResponses(404, 409)
  cancel(@Param('id') id: string): Promise<ChaosRun> {
    return this.chaos.cancel(id);
  }
}
