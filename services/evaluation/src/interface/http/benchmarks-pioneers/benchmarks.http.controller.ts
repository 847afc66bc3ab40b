import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { ChooseBenchmarkHandler } from '../../../application/commands/choose-benchmark/choose-benchmark.handler';
import type { CommandContext } from '../../../application/commands/command-context';
import { ConfirmBenchmarkReachedHandler } from '../../../application/commands/confirm-benchmark-reached/confirm-benchmark-reached.handler';
import { ReportBenchmarkProgressHandler } from '../../../application/commands/report-benchmark-progress/report-benchmark-progress.handler';
import { BenchmarkPioneerQueries } from '../../../application/queries/benchmarks-pioneers/benchmark-pioneer.queries';
import { VersionResponse } from '../dto/campaign.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from '../request-context';
import {
  BenchmarkCreatedResponse,
  BenchmarkPageResponse,
  BenchmarkProgressRequest,
  BenchmarkResponse,
  ChooseBenchmarkRequest,
  PageQuery,
  ReasonRequest,
} from './benchmark-pioneer.dto';

/** 对标定位. Someone else's benchmarking answers like one that does not exist (404). */
@ApiTags('benchmarks')
@ApiBearerAuth()
@Controller('benchmarks')
export class BenchmarksHttpController {
  constructor(
    private readonly choose: ChooseBenchmarkHandler,
    private readonly progress: ReportBenchmarkProgressHandler,
    private readonly confirm: ConfirmBenchmarkReachedHandler,
    private readonly queries: BenchmarkPioneerQueries,
  ) {}

  @Post()
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '对标定位 / pick a benchmark, list the gaps and the measures' })
  @ApiCreatedResponse({ type: BenchmarkCreatedResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown organisation', 'MEMBER.NOT_FOUND: the member is not an active member of the organisation'],
  })
  create(@Ctx() ctx: CommandContext, @Body() b: ChooseBenchmarkRequest): Promise<BenchmarkCreatedResponse> {
    return this.choose.execute(
      {
        subject: { kind: b.subject.kind, id: b.subject.id },
        orgId: b.orgId,
        target: { kind: b.target.kind, id: b.target.id, name: b.target.name },
        gaps: [...b.gaps],
        measures: [...b.measures],
        dueOn: b.dueOn,
      },
      ctx,
    );
  }

  @Post(':id/progress')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '对标进展 / report progress (never backwards)' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['BENCHMARK.NOT_BENCHMARKER: only the organisation benchmarking (the member’s, for a member’s) reports its progress'],
    404: ['BENCHMARK.NOT_FOUND: unknown, or outside your subtree'],
    409: ['BENCHMARK.NOT_ACTIVE: reached already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
    422: ['BENCHMARK.PROGRESS_BACKWARDS: below the last report'],
  })
  report(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: BenchmarkProgressRequest) {
    return this.progress.execute(id, { note: b.note, percent: b.percent }, ctx);
  }

  @Post(':id/reached')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '确认达标 / a level above confirms the benchmark was reached' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: [
      'BENCHMARK.NOT_LEVEL_ABOVE: only a level above the organisation (for a member’s, the member’s organisation or above) confirms it',
    ],
    404: ['BENCHMARK.NOT_FOUND: unknown, or outside your subtree', 'ORGANIZATION.NOT_FOUND: its organisation is no longer in the tree'],
    409: ['BENCHMARK.NOT_ACTIVE: reached already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  reached(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ReasonRequest) {
    return this.confirm.execute(id, { reason: b.reason }, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '对标列表 / benchmarkings of a subtree, with progress' })
  @ApiOkResponse({ type: BenchmarkPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: PageQuery): Promise<BenchmarkPageResponse> {
    return this.queries.benchmarks(
      { limit: q.limit ?? 50, offset: q.offset ?? 0, ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}) },
      ctx,
    );
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '对标详情 / one benchmarking' })
  @ApiOkResponse({ type: BenchmarkResponse })
  @ApiRefusals({
    404: ['BENCHMARK.NOT_FOUND: unknown, or outside your subtree'],
  })
  get(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<BenchmarkResponse> {
    return this.queries.benchmark(id, ctx);
  }
}
