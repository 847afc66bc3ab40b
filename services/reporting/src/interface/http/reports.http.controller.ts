import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Query,
  Res,
  ServiceUnavailableException,
  StreamableFile,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals, uuidParam, type ConcurrencyLimiter } from '@vanguard/http';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import { FIGURES, FIGURE_BY_KEY, type FigureValue } from '../../domain/figures';
import { parsePeriod, quartersOf, type Period } from '../../domain/period';
import { renderMarkdown, traceLink } from '../../domain/summary-markdown';
import { buildWorkSummary } from '../../domain/work-summary';
import { ExportRenderer, RenderError } from '../../infrastructure/export/export-renderer';
import { SqlBreakdownReadModel, type BreakdownRow } from '../../infrastructure/sql-breakdown.read-model';
import { QueryStopped, SqlFiguresReadModel, TraceCursorInvalid, type OrgRow } from '../../infrastructure/sql-figures.read-model';
import { PeriodQuery, SeriesQuery, TraceQuery } from './report-query.dto';
import { REPORT_RENDERS, REPORT_TRACES, sendRendered } from './report-renders';
import { BreakdownTable, ReportFile, TracePage } from './report-docs';
import { ScopedToOrg, organizationUnknown } from './scoped-org';
import { statisticsLevels } from './statistics-levels';

/** Everyone who reads the campaign's figures for their own subtree. */
const READ_ROLES = ['admin', 'organizer', 'branch_secretary', 'evaluator', 'reviewer', 'editor', 'assistance_officer', 'auditor'] as const;

/** Organisations one statistics workbook lists at most, all its sheets together (`REPORTING_STATISTICS_MAX_ROWS`). */
const statisticsMaxRows = (env = process.env) => positiveIntFromEnv(env, 'REPORTING_STATISTICS_MAX_ROWS', 3_000);
/** How long one page of a trace may run in Postgres (`REPORTING_TRACE_TIMEOUT_MS`), read per request. */
const traceTimeoutMs = (env = process.env) => positiveIntFromEnv(env, 'REPORTING_TRACE_TIMEOUT_MS', 5_000);
const period = (q: PeriodQuery): Period => parsePeriod(q.period) as Period; // the DTO's pattern already held
/** The breakdown's columns: every figure's key, in the order of each row's `values` (ADR 0135). */
const FIGURE_KEYS = FIGURES.map((d) => d.key);

/** One organisation's values in FIGURE_KEYS' order; null where the figure has no data. */
function valuesOf(figures: ReadonlyMap<string, FigureValue>): (number | null)[] {
  return FIGURES.map((d) => figures.get(d.key)?.value ?? null);
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsHttpController {
  private readonly log = new Logger(ReportsHttpController.name);

  constructor(
    @Inject(SqlFiguresReadModel) private readonly figures: SqlFiguresReadModel,
    @Inject(SqlBreakdownReadModel) private readonly breakdown: SqlBreakdownReadModel,
    @Inject(REPORT_RENDERS) private readonly renders: ConcurrencyLimiter,
    @Inject(ExportRenderer) private readonly renderer: ExportRenderer,
    @Inject(REPORT_TRACES) private readonly traces: ConcurrencyLimiter,
  ) {
    traceTimeoutMs();
    statisticsMaxRows(); // read per request (a test may change it), refused here first: a bad value stops the start
  }

  /**
   * Two renders per user and six in all, each place held until its file is sent (report-renders.ts);
   * a render the threads could not finish is 503 with Retry-After, its detail (a thread's error, a
   * font path) in the log, not in the answer.
   */
  private async download(
    who: Principal,
    res: Response,
    file: { type: string; name?: string },
    render: (signal: AbortSignal) => Promise<Buffer>,
  ): Promise<void> {
    try {
      await sendRendered(this.renders, who.sub, res, file, render);
    } catch (e) {
      // Its figures' read stopped with the client still there (its timeout, an operator's cancel): unavailable too.
      if (e instanceof QueryStopped) this.log.warn(`figures of ${file.name ?? file.type} stopped: ${e.why}`);
      else if (e instanceof RenderError) this.log.error(`render of ${file.name ?? file.type} failed: ${e.message}`);
      else throw e;
      throw new ServiceUnavailableException({
        code: 'REPORT.RENDER_UNAVAILABLE',
        message: '文件暂时无法生成，请稍后重试 / the file could not be rendered; try again shortly',
        retryAfterSec: 5,
      });
    }
  }

  private async orgOrFail(orgId: string): Promise<OrgRow> {
    const org = await this.figures.org(orgId);
    if (!org) throw organizationUnknown(orgId);
    return org;
  }

  @Get('figures')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '全部统计指标及其来源事件 / every figure, its label and the event types it is computed from' })
  catalogue() {
    return FIGURES.map((d) => ({ key: d.key, label: d.label, unit: d.unit, kind: d.kind, source: d.source, from: d.from }));
  }

  @Get('organizations/:orgId/figures')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '本组织及下级某期统计数 / every figure of the subtree in the period, each with its trace link' })
  @ApiRefusals({ 404: ['REPORT.ORGANIZATION_UNKNOWN: no such organisation here'] })
  async subtreeFigures(@Param('orgId', uuidParam('orgId')) orgId: string, @Query() q: PeriodQuery) {
    const org = await this.orgOrFail(orgId);
    const values = await this.figures.figures(orgId, period(q));
    return {
      org,
      period: q.period,
      figures: FIGURES.map((d) => ({
        key: d.key,
        label: d.label,
        unit: d.unit,
        value: values.get(d.key)?.value ?? null,
        events: values.get(d.key)?.events ?? 0,
        trace: traceLink(d.key, orgId, q.period),
      })),
    };
  }

  @Get('figures/:figure/events')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'query', field: 'orgId' })
  @ApiOperation({
    summary: '某项统计数背后的事件 / the events a figure was computed from, a page at a time',
    description:
      'One entry per event, oldest first. `truncated` says more events follow; `next` is the link to the next page ' +
      '(`after` = the cursor). Figures about persons (members, grades, pioneers, members benchmarking and their measures, trainees, cadres, visits, exemplars ' +
      'and exemplar individuals) leave `streamId` out: it names the person. Two traces per user and four in all run at once ' +
      '(429 with Retry-After beyond); a page that runs past `REPORTING_TRACE_TIMEOUT_MS` is 503 `REPORT.TRACE_TIMEOUT` ' +
      'with Retry-After; a caller that leaves cancels its query.',
  })
  @TracePage()
  @ApiParam({ name: 'figure', enum: FIGURES.map((f) => f.key), description: 'a figure key; another is 404 REPORT.FIGURE_UNKNOWN' })
  @ApiRefusals({
    404: ['REPORT.FIGURE_UNKNOWN: no such figure (GET /reports/figures lists them)'],
    429: ['LIMIT.TOO_MANY: too many traces of this user, or of everyone, at once (Retry-After)'],
  })
  @ApiResponse({ status: 503, description: 'REPORT.TRACE_TIMEOUT: the page took too long; ask a smaller page or a smaller subtree' })
  async trace(
    @Param('figure') figure: string,
    @Query() q: TraceQuery,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!FIGURE_BY_KEY.has(figure))
      throw new NotFoundException({ code: 'REPORT.FIGURE_UNKNOWN', message: `无此统计项 / no figure ${figure}` });
    await this.orgOrFail(q.orgId);
    const lease = this.traces.acquire(who.sub);
    const gone = new AbortController();
    const leave = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.once('close', leave);
    // Gone while the organisation was looked up: its 'close' came before anyone listened.
    if (res.destroyed) leave();
    try {
      const limit = q.limit ?? 500;
      const page = await this.figures.trace(figure, q.orgId, period(q), {
        limit,
        after: q.after,
        timeoutMs: traceTimeoutMs(),
        signal: gone.signal,
      });
      const next = page.next === null ? null : `${traceLink(figure, q.orgId, q.period)}&limit=${limit}&after=${page.next}`;
      return { figure, orgId: q.orgId, period: q.period, events: page.events, truncated: page.next !== null, next };
    } catch (e) {
      if (e instanceof TraceCursorInvalid)
        throw new BadRequestException({
          code: 'REPORT.TRACE_CURSOR_INVALID',
          message: '分页游标无效 / after is not a cursor this service gave out',
          errors: [{ field: 'after', reason: '分页游标无效 / not a cursor this service gave out' }],
        });
      if (!(e instanceof QueryStopped)) throw e;
      this.log.warn(`trace of ${figure} under ${q.orgId} for ${q.period} stopped: ${e.why}`);
      throw new ServiceUnavailableException({
        code: 'REPORT.TRACE_TIMEOUT',
        message:
          '事件追溯查询超时，请缩小范围或每页条数后重试 / the trace took too long; ask a smaller page or subtree, or try again shortly',
        retryAfterSec: 5,
      });
    } finally {
      res.off('close', leave);
      lease.release();
    }
  }

  @Get('organizations/:orgId/summary.md')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '工作总结（Markdown，每个数字带脚注链接）/ the work summary, every figure footnoted' })
  @ReportFile('text/markdown', 'the work summary in Markdown', false)
  async summaryMarkdown(@Param('orgId', uuidParam('orgId')) orgId: string, @Query() q: PeriodQuery): Promise<StreamableFile> {
    const org = await this.orgOrFail(orgId);
    const p = period(q);
    const md = renderMarkdown(buildWorkSummary({ orgId, orgName: org.name, period: p, figures: await this.figures.figures(orgId, p) }));
    // The type goes with the body, not on the route (@Header): a refusal stays application/json.
    return new StreamableFile(Buffer.from(md, 'utf8'), { type: 'text/markdown; charset=utf-8' });
  }

  @Get('organizations/:orgId/summary.docx')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '工作总结（Word）/ the work summary as .docx, footnotes included' })
  @ReportFile('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'the work summary as .docx')
  async summaryWord(
    @Param('orgId', uuidParam('orgId')) orgId: string,
    @Query() q: PeriodQuery,
    @CurrentPrincipal() who: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const org = await this.orgOrFail(orgId);
    const p = period(q);
    const type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    await this.download(who, res, { type, name: `${org.name}创先争优工作总结-${q.period}.docx` }, async (signal) =>
      this.renderer.docx(
        buildWorkSummary({ orgId, orgName: org.name, period: p, figures: await this.figures.figures(orgId, p, { signal }) }),
        signal,
      ),
    );
  }

  @Get('organizations/:orgId/summary.pdf')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '工作总结（PDF，内嵌中文字体）/ the work summary as PDF, its Chinese font embedded' })
  @ReportFile('application/pdf', 'the work summary as PDF')
  async summaryPdfFile(
    @Param('orgId', uuidParam('orgId')) orgId: string,
    @Query() q: PeriodQuery,
    @CurrentPrincipal() who: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const org = await this.orgOrFail(orgId);
    const p = period(q);
    await this.download(who, res, { type: 'application/pdf', name: `${org.name}创先争优工作总结-${q.period}.pdf` }, async (signal) =>
      this.renderer.pdf(
        buildWorkSummary({ orgId, orgName: org.name, period: p, figures: await this.figures.figures(orgId, p, { signal }) }),
        signal,
      ),
    );
  }

  @Get('organizations/:orgId/statistics.xlsx')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '统计表（Excel，本级及逐级下钻）/ statistics workbook: this level and every level below' })
  @ReportFile('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'the statistics workbook')
  async statistics(
    @Param('orgId', uuidParam('orgId')) orgId: string,
    @Query() q: PeriodQuery,
    @CurrentPrincipal() who: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const org = await this.orgOrFail(orgId);
    const p = period(q);
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await this.download(who, res, { type, name: `${org.name}创先争优统计表-${q.period}.xlsx` }, async (signal) => {
      const own: BreakdownRow = {
        orgId,
        parentId: null,
        name: org.name,
        level: org.level,
        code: org.code,
        figures: await this.figures.figures(orgId, p, { signal }),
      };
      // As far down as the row limit lets the file go: a province's villages were 80,000 rows built
      // in memory, minutes of a blocked event loop and gigabytes. A caller who leaves stops the
      // levels: the running query is cancelled, no further one is sent (issue 16).
      const { levels, omitted } = await statisticsLevels(
        own,
        statisticsMaxRows(),
        {
          count: (depth) => this.breakdown.countBelow(orgId, depth, { signal }),
          rows: (depth) => this.breakdown.below(orgId, depth, p, { signal }),
        },
        signal,
      );
      return this.renderer.workbook({ orgName: org.name, period: p, levels, ...(omitted ? { omitted } : {}) }, signal);
    });
  }

  @Get('organizations/:orgId/series')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '按季度时间序列 / a figure quarter by quarter over the period' })
  @ApiRefusals({
    404: [
      'REPORT.FIGURE_UNKNOWN: no such figure (GET /reports/figures lists them)',
      'REPORT.ORGANIZATION_UNKNOWN: no such organisation here',
    ],
  })
  async series(@Param('orgId', uuidParam('orgId')) orgId: string, @Query() q: SeriesQuery) {
    if (!FIGURE_BY_KEY.has(q.figure))
      throw new NotFoundException({ code: 'REPORT.FIGURE_UNKNOWN', message: `无此统计项 / no figure ${q.figure}` });
    await this.orgOrFail(orgId);
    const quarters = quartersOf(period(q));
    const values = await this.figures.series(orgId, q.figure, quarters);
    const points = quarters.map((quarter, i) => {
      const v = values[i];
      return { period: quarter.key, value: v?.value ?? null, events: v?.events ?? 0, trace: traceLink(q.figure, orgId, quarter.key) };
    });
    return { orgId, figure: q.figure, points };
  }

  @Get('organizations/:orgId/breakdown')
  @Roles(...READ_ROLES)
  @ScopedToOrg({ from: 'params', field: 'orgId' })
  @ApiOperation({ summary: '按下一级组织分解 / every figure for each organisation one level below' })
  @BreakdownTable()
  async children(@Param('orgId', uuidParam('orgId')) orgId: string, @Query() q: PeriodQuery) {
    const rows = await this.breakdown.below(orgId, 1, period(q));
    // Only an organisation without active children can be unknown: the lookup is spared the rest.
    if (rows.length === 0) await this.orgOrFail(orgId);
    return {
      orgId,
      period: q.period,
      figureKeys: FIGURE_KEYS,
      children: rows.map((r) => ({ orgId: r.orgId, name: r.name, level: r.level, values: valuesOf(r.figures) })),
    };
  }
}
