import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ExemplarsService, type ExemplarView } from '../../application/exemplars.service';
import { DeclineExemplarRequest, EditExemplarRequest, ExemplarListQuery, TakeDownExemplarRequest } from './dto';
import { uuidParam } from './uuid-param';

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
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ExemplarView> {
    return this.exemplars.get(p, id);
  }

  @Patch(':id')
  @Roles(...EDITORS)
  @ApiOperation({ summary: '编辑待定典型 / edit a proposal (story sanitised)' })
  edit(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: EditExemplarRequest,
  ): Promise<ExemplarView> {
    return this.exemplars.edit(p, id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.story !== undefined ? { story: body.story } : {}),
    });
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(...EDITORS)
  @ApiOperation({ summary: '采用并发布 / accept a proposal: published on the honour roll' })
  accept(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ExemplarView> {
    return this.exemplars.accept(p, id);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @Roles(...EDITORS)
  @ApiOperation({ summary: '不予采用 / decline a proposal, with a reason' })
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
  @ApiOperation({
    summary: '撤下典型 / take a published exemplar off the honour roll, with a reason the roll’s public history shows',
  })
  takeDown(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TakeDownExemplarRequest,
  ): Promise<ExemplarView> {
    return this.exemplars.takeDown(p, id, body.reason);
  }
}
