import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ArticlesService, type ArticleView } from '../../application/articles.service';
import { MediaStatsService, type WeightsView } from '../../application/media-stats.service';
import {
  ArticleListQuery,
  CreateArticleRequest,
  CreateColumnRequest,
  EditArticleRequest,
  PublishArticleRequest,
  SetWeightRequest,
  StatisticsQuery,
} from './dto';
import { RepresentationETag, ifMatchPrecondition } from './if-match';
import { ApiRefusals, uuidParam } from '@vanguard/http';

const EDITORS = ['editor', 'admin'] as const;
/** Organisers read the statistics of their subtree too: the scoring tables are theirs. */
const READERS = ['editor', 'admin', 'organizer'] as const;
/** Access.mustActFor: the body's (or query's) orgId is not one the caller may act for. */
const OUT_OF_SCOPE = 'SCOPE.OUT_OF_SCOPE: the organisation (orgId) is outside your subtree';
const UNKNOWN_ORG = 'ORGANIZATION.NOT_FOUND: the organisation tree holds no organisation orgId';

@ApiTags('articles')
@ApiBearerAuth()
@Controller()
export class ArticlesHttpController {
  constructor(
    private readonly articles: ArticlesService,
    private readonly stats: MediaStatsService,
  ) {}

  @Post('columns')
  @Roles(...EDITORS)
  @ApiOperation({ summary: '专栏 / open a column grouping articles' })
  @ApiRefusals({
    403: [OUT_OF_SCOPE],
    404: [UNKNOWN_ORG],
    409: ['COLUMN.NAME_TAKEN: the organisation has a column of that name already'],
  })
  createColumn(@CurrentPrincipal() p: Principal, @Body() b: CreateColumnRequest): Promise<{ id: string }> {
    return this.articles.createColumn(p, { orgId: b.orgId, name: b.name, ...(b.description ? { description: b.description } : {}) });
  }

  @Get('columns')
  @Roles(...READERS)
  listColumns(@CurrentPrincipal() p: Principal): ReturnType<ArticlesService['listColumns']> {
    return this.articles.listColumns(p);
  }

  @Get('campaigns')
  @Roles(...READERS)
  @ApiOperation({
    summary: '创先争优活动 / the campaigns an article here may report on: those covering your organisation or within your subtree',
  })
  listCampaigns(@CurrentPrincipal() p: Principal): ReturnType<ArticlesService['listCampaigns']> {
    return this.articles.listCampaigns(p);
  }

  @Post('articles')
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '新稿件 / a draft (body sanitised on the way in)' })
  @ApiRefusals({
    403: [OUT_OF_SCOPE],
    404: [UNKNOWN_ORG, 'COLUMN.NOT_FOUND: the column is unknown, or outside your subtree'],
    422: [
      'ARTICLE.COLUMN_ELSEWHERE: the article’s organisation is not within the column’s',
      'ARTICLE.OUTSIDE_CAMPAIGN: the article’s organisation is not in the subtree of a campaign known here (or the campaign is unknown)',
    ],
  })
  create(@CurrentPrincipal() p: Principal, @Body() b: CreateArticleRequest): Promise<ArticleView> {
    return this.articles.create(p, {
      orgId: b.orgId,
      title: b.title,
      body: b.body,
      ...(b.columnId ? { columnId: b.columnId } : {}),
      ...(b.campaignId ? { campaignId: b.campaignId } : {}),
    });
  }

  @Get('articles')
  @Roles(...READERS)
  list(@CurrentPrincipal() p: Principal, @Query() q: ArticleListQuery): Promise<{ items: ArticleView[]; total: number }> {
    return this.articles.list(
      p,
      {
        ...(q.status ? { status: q.status } : {}),
        ...(q.columnId ? { columnId: q.columnId } : {}),
        ...(q.campaignId ? { campaignId: q.campaignId } : {}),
      },
      q.limit ?? 50,
      q.offset ?? 0,
    );
  }

  @Get('articles/:id')
  @Roles(...READERS)
  @UseInterceptors(RepresentationETag)
  @ApiRefusals({ 404: ['ARTICLE.NOT_FOUND: unknown, or outside your subtree'] })
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ArticleView> {
    return this.articles.get(p, id);
  }

  @Patch('articles/:id')
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag of the article as last read: edited only if it is still current' })
  @ApiOkResponse({ description: 'the article as edited, with its new ETag' })
  @ApiPreconditionFailedResponse({
    description: 'REQUEST.PRECONDITION_FAILED: the article changed since; the current ETag is in the header',
  })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown, or outside your subtree'],
    422: ['ARTICLE.WRONG_STATE: only a draft is edited'],
  })
  edit(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: EditArticleRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArticleView> {
    return this.articles.edit(
      p,
      id,
      { ...(b.title !== undefined ? { title: b.title } : {}), ...(b.body !== undefined ? { body: b.body } : {}) },
      ifMatchPrecondition(ifMatch, res, { zh: '稿件', en: 'article' }),
    );
  }

  @Post('articles/:id/submit')
  @HttpCode(200)
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '送审 / draft → review' })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown, or outside your subtree'],
    422: ['ARTICLE.WRONG_STATE: only a draft is sent for review'],
  })
  submit(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ArticleView> {
    return this.articles.submit(p, id);
  }

  @Post('articles/:id/return')
  @HttpCode(200)
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '退回修改 / review → draft' })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown, or outside your subtree'],
    422: ['ARTICLE.WRONG_STATE: only an article in review is returned'],
  })
  returnToDraft(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ArticleView> {
    return this.articles.returnToDraft(p, id);
  }

  @Post('articles/:id/publications')
  @Roles(...EDITORS)
  @UseInterceptors(RepresentationETag)
  @ApiOperation({ summary: '刊发或转载 / published in an outlet (the first publishes; each further outlet is a reprint, counted once)' })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['ARTICLE.ALREADY_IN_OUTLET: it appeared in that outlet already; a reprint counts once per outlet'],
    422: [
      'ARTICLE.WRONG_STATE: the first publication needs an article in review, a reprint a published one',
      'ARTICLE.DATE_IN_FUTURE: publishedOn is after today (Asia/Shanghai)',
    ],
  })
  publish(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: PublishArticleRequest,
  ): Promise<ArticleView> {
    return this.articles.publish(p, id, {
      outlet: b.outlet,
      level: b.level,
      channel: b.channel,
      publishedOn: b.publishedOn,
      ...(b.link ? { link: b.link } : {}),
    });
  }

  @Get('media-statistics')
  @Roles(...READERS)
  @ApiOperation({ summary: '宣传报道统计 / publications and weighted score per level in a subtree and period' })
  @ApiRefusals({ 403: [OUT_OF_SCOPE], 404: [UNKNOWN_ORG] })
  statistics(@CurrentPrincipal() p: Principal, @Query() q: StatisticsQuery): ReturnType<MediaStatsService['statistics']> {
    return this.stats.statistics(p, {
      orgId: q.orgId,
      from: q.from,
      to: q.to,
      ...(q.level ? { level: q.level } : {}),
      ...(q.campaignId ? { campaignId: q.campaignId } : {}),
    });
  }

  @Get('media-weights')
  @Roles(...READERS)
  weights(): Promise<WeightsView> {
    return this.stats.weights();
  }

  @Put('media-weights')
  @Roles('admin')
  @ApiOperation({ summary: '计分权重 / set the weight of a media level or of one outlet' })
  @ApiRefusals({
    403: [
      'SCOPE.PLATFORM_ONLY: the weights score every county: only an administrator of the top organisation (a root of the tree) sets them',
    ],
  })
  setWeight(@CurrentPrincipal() p: Principal, @Body() b: SetWeightRequest): Promise<WeightsView> {
    return this.stats.setWeight(p, { ...(b.level ? { level: b.level } : {}), ...(b.outlet ? { outlet: b.outlet } : {}) }, b.weight);
  }
}
