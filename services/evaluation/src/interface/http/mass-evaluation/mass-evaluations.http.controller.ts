import { Body, Controller, Get, Header, HttpCode, Inject, Logger, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@vanguard/auth';
import { AnswerShownOnce, ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { CloseMassEvaluationHandler } from '../../../application/commands/mass-evaluation/close-mass-evaluation.handler';
import { IssueBallotCodesHandler, type IssuedCodes } from '../../../application/commands/mass-evaluation/issue-ballot-codes.handler';
import { MassEvaluationQueries } from '../../../application/commands/mass-evaluation/mass-evaluation.queries';
import { OpenMassEvaluationHandler } from '../../../application/commands/mass-evaluation/open-mass-evaluation.handler';
import { PublishMassEvaluationHandler } from '../../../application/commands/mass-evaluation/publish-mass-evaluation.handler';
import { BALLOT_OPTIONS, type BallotOptions } from '../../../infrastructure/mass-evaluation/ballot-options';
import { ballotLink, renderBallotSheet } from '../../../infrastructure/mass-evaluation/ballot-sheet.pdf';
import { MAX_CODES_PER_SHEET, SheetRenderGate, SheetTooLargeError } from '../../../infrastructure/mass-evaluation/sheet-render-gate';
import { VersionResponse } from '../dto/campaign.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from '../request-context';
import { IssueCodesRequest, IssuedCodesResponse, OpenMassEvaluationRequest, WindowOpenedResponse } from './mass-evaluation.dto';

/** 群众评议 run by the organisation's secretary, organisers and evaluators of its subtree. */
@ApiTags('mass-evaluations')
@ApiBearerAuth()
@Controller('mass-evaluations')
export class MassEvaluationsHttpController {
  private readonly sheets = new SheetRenderGate();
  private readonly logger = new Logger(MassEvaluationsHttpController.name);

  constructor(
    private readonly openWindow: OpenMassEvaluationHandler,
    private readonly issueCodes: IssueBallotCodesHandler,
    private readonly closeWindow: CloseMassEvaluationHandler,
    private readonly publishWindow: PublishMassEvaluationHandler,
    private readonly queries: MassEvaluationQueries,
    @Inject(BALLOT_OPTIONS) private readonly options: BallotOptions,
  ) {}

  @Post()
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '开启群众评议 / open a window for an organisation or a member' })
  @ApiCreatedResponse({ type: WindowOpenedResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown, or outside your subtree', 'MEMBER.NOT_FOUND: the member is not active in that organisation'],
    422: ['MASS_EVALUATION.RUN_FROM_ABOVE: an organisation’s window is opened from strictly above it, never by it'],
  })
  open(@Ctx() ctx: CommandContext, @Body() b: OpenMassEvaluationRequest): Promise<WindowOpenedResponse> {
    const { subject, orgId, cycleId, eligibleVoters, opensOn, closesOn } = b;
    return this.openWindow.execute(
      { subject: { kind: subject.kind, id: subject.id }, orgId, cycleId: cycleId ?? null, eligibleVoters, opensOn, closesOn },
      ctx,
    );
  }

  @Post(':id/codes')
  @HttpCode(201)
  @Roles(...PLEDGE_ROLES)
  @Header('Cache-Control', 'no-store')
  // ADR 0027: the codes are returned once and only their keyed hashes kept, so an Idempotency-Key must not keep them either.
  @AnswerShownOnce()
  @ApiOperation({
    summary:
      '发放投票码 / issue one-time codes: a printable PDF sheet of QR codes (≤ 200 a sheet, one sheet at a time per user; 422 / 429 otherwise) or JSON (≤ 2,000); shown this once only',
  })
  @ApiProduces('application/pdf', 'application/json')
  @ApiCreatedResponse({ type: IssuedCodesResponse })
  @ApiRefusals({
    404: ['MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'MASS_EVALUATION.NOT_OPEN: the window is closed or published',
      'STREAM.CONCURRENT_CHANGE: the window kept changing meanwhile; try again',
    ],
    422: [
      'MASS_EVALUATION.CODES_EXCEED_VOTERS: more codes in all than eligible voters',
      `MASS_EVALUATION.SHEET_TOO_LARGE: more than ${MAX_CODES_PER_SHEET} codes on one PDF sheet`,
      'MASS_EVALUATION.RUN_FROM_ABOVE: an organisation never issues codes for its own window',
    ],
    429: ['LIMIT.TOO_MANY: a sheet of yours is still being made (Retry-After)'],
  })
  async codes(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: IssueCodesRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssuedCodesResponse | StreamableFile> {
    if (b.format === 'json') {
      const batch = await this.issueCodes.execute(id, b.count, ctx);
      this.voidUnlessDelivered(res, batch, ctx);
      const { codes, issued } = batch;
      return { codes: [...codes], issued, links: codes.map((c) => ballotLink(this.options.voteUrl, id, c)) };
    }
    // Checked before issuing: a refused sheet must not have used up codes.
    if (b.count > MAX_CODES_PER_SHEET) throw new SheetTooLargeError();
    return this.sheets.run(ctx.caller.sub, async () => {
      const batch = await this.issueCodes.execute(id, b.count, ctx);
      this.voidUnlessDelivered(res, batch, ctx);
      const { window, codes, issued } = batch;
      const pdf = renderBallotSheet({
        windowId: id,
        subjectLabel: window.state.subjectKind === 'member' ? '党员' : '党组织',
        opensOn: window.state.opensOn!,
        closesOn: window.state.closesOn!,
        codes,
        voteUrl: this.options.voteUrl,
      });
      res.setHeader('Content-Disposition', `attachment; filename="ballot-codes-${id}-${issued}.pdf"`);
      return new StreamableFile(pdf, { type: 'application/pdf', length: pdf.length });
    });
  }

  /**
   * The codes exist once, in this answer (ADR 0027). If none of it left the process — the issuer
   * hung up before it was written, or an error was sent instead — nobody holds them, so they are
   * voided rather than left counting against the eligible voters (ADR 0147). An answer whose
   * writing began keeps its codes, cut or not: voiding those would record how many were still
   * unused, and so whether a code handed out meanwhile had voted.
   */
  private voidUnlessDelivered(res: Response, batch: IssuedCodes, ctx: CommandContext): void {
    const settle = () => {
      if (res.headersSent && res.statusCode < 300) return;
      this.issueCodes.voidUndelivered(batch, ctx).catch((e: unknown) => {
        this.logger.error(`voiding ${batch.codes.length} undelivered codes of window ${batch.window.state.windowId} failed: ${String(e)}`);
      });
    };
    // Closed while the codes were issued: the response's 'close' has been and gone.
    if (res.destroyed) settle();
    else res.once('close', settle);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '结束评议 / close: the box is counted and the tally recorded with the rate rule version' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree'],
    409: ['MASS_EVALUATION.NOT_OPEN: closed already', 'STREAM.CONCURRENT_CHANGE: the window kept changing meanwhile; try again'],
    422: ['MASS_EVALUATION.RUN_FROM_ABOVE: the organisation evaluated does not close its own box'],
  })
  close(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    return this.closeWindow.execute(id, ctx);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '公开评议结果 / publish the satisfaction rate' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'MASS_EVALUATION.ALREADY_PUBLISHED',
      'MASS_EVALUATION.NOT_CLOSED: the window is still open',
      'STREAM.CONCURRENT_CHANGE: the window changed meanwhile; reload and try again',
    ],
  })
  publish(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    return this.publishWindow.execute(id, ctx);
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评议情况 / the window: status, voters, codes issued, tally and rate once closed' })
  @ApiRefusals({ 404: ['MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree'] })
  get(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    return this.queries.get(id, ctx);
  }

  @Get(':id/comments')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '群众意见 / the ballots’ comments with their rating, after closing, in text order' })
  @ApiRefusals({
    404: ['MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree'],
    409: ['MASS_EVALUATION.STILL_OPEN: comments are read after the window closes'],
  })
  comments(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    return this.queries.comments(id, ctx);
  }
}
