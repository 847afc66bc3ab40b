import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ExemplarsService, type ExemplarView } from '../../application/exemplars.service';
import { DeclineExemplarRequest, EditExemplarRequest, ExemplarListQuery, TakeDownExemplarRequest } from './dto';
import { RepresentationETag, ifMatchPrecondition } from './if-match';
import { ApiRefusals, uuidParam } from '@vanguard/http';

const EDITORS = ['editor', 'admin'] as const;

@ApiTags('exemplars')
@ApiBearerAuth()
@Controller('exemplars')
export class ExemplarsHttpController {
  constructor(private readonly exemplars: ExemplarsService) {}

  @Get()
  @Roles(...EDITORS)
  @ApiOperation({ summary: '先进典型 / exemplars and proposals in your subtree' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ExemplarListQuery): Promise<{ items: ExemplarView[]; total: number }> {
    return this.exemplars.list(p, q.status, q.limit ?? 50, q.offset ?? 0);
  }

  @Get(':id')
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiRefusals({ 404: ['EXEMPLAR.NOT_FOUND: unknown, or outside your subtree'] })
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ExemplarView> {
    return this.exemplars.get(p, id);
  }

  @Patch(':id')
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '编辑待定典型 / edit a proposal (story sanitised)' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the ETag of the exemplar as last read: edited only if it is still current',
  })
  @ApiOkResponse({ description: 'the exemplar as edited, with its new ETag' })
  @ApiPreconditionFailedResponse({
    description: 'REQUEST.PRECONDITION_FAILED: the exemplar changed since; the current ETag is in the header',
  })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown, or outside your subtree'],
    422: ['EXEMPLAR.NOT_PROPOSED: only a proposal is edited'],
  })
  edit(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: EditExemplarRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExemplarView> {
    return this.exemplars.edit(
      p,
      id,
      { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.story !== undefined ? { story: body.story } : {}) },
      ifMatchPrecondition(ifMatch, res, { zh: '典型', en: 'exemplar' }),
    );
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '采用并发布 / accept a proposal: published on the honour roll' })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown, or outside your subtree'],
    422: ['EXEMPLAR.NOT_PROPOSED: only a proposal is accepted', 'EXEMPLAR.INCOMPLETE: it needs a name and a story before it is published'],
  })
  accept(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ExemplarView> {
    return this.exemplars.accept(p, id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '不予采用 / decline a proposal, with a reason' })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown, or outside your subtree'],
    422: ['EXEMPLAR.NOT_PROPOSED: only a proposal is declined'],
  })
  decline(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DeclineExemplarRequest,
  ): Promise<ExemplarView> {
    return this.exemplars.decline(p, id, body.reason);
  }

  @Post(':id/take-down')
  @HttpCode(200)
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({
    summary: '撤下典型 / take a published exemplar off the honour roll, with a reason the roll’s public history shows',
  })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown, or outside your subtree'],
    422: ['EXEMPLAR.NOT_PUBLISHED: only an exemplar on the honour roll is taken down'],
  })
  takeDown(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TakeDownExemplarRequest,
  ): Promise<ExemplarView> {
    return this.exemplars.takeDown(p, id, body.reason);
  }
}
