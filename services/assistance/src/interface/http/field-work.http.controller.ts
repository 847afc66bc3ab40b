import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { PaginationQuery, IsUuid } from '@vanguard/http';

import { ApiProperty } from '@nestjs/swagger';
import type { Actor, CommandContext } from '../../application/ports/context.port';
import {
  READ_MODEL,
  type AssistanceReadModel,
  type CadreView,
  type DeedView,
  type DiaryEntryView,
  type HouseholdView,
} from '../../application/ports/read-model.port';
import { NotFoundError } from '../../application/scope/scope';
import { FieldWorkHandlers } from '../../application/use-cases/field-work.use-cases';
import { ASSISTANCE_WRITE_ROLES, FIELD_WORK_ROLES, READ_ROLES } from './access';
import {
  DiaryEntryRequest,
  DispatchCadreRequest,
  IssueCardRequest,
  LogVisitRequest,
  RecordDeedRequest,
  RegisterHouseholdRequest,
} from './dto/field-work.dto';
import { ListByVillageQuery } from './dto/pairing.dto';
import { pageOf } from './page';
import { CommandCtx, ReadCtx, uuidParam } from './request-context';

class HouseholdsQuery extends PaginationQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  villageId!: string;
}

@ApiTags('cadres')
@ApiBearerAuth()
@Controller('cadres')
export class CadresHttpController {
  constructor(
    private readonly work: FieldWorkHandlers,
    @Inject(READ_MODEL) private readonly reads: AssistanceReadModel,
  ) {}

  @Post()
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '选派驻村干部 / 第一书记: dispatch a roster member to a village for a period' })
  async dispatch(@CommandCtx() ctx: CommandContext, @Body() body: DispatchCadreRequest): Promise<CadreView> {
    const { villageId, ...rest } = body;
    const { id } = await this.work.dispatch(ctx, villageId, rest);
    return this.get(ctx.actor, id);
  }

  @Get()
  @Roles(...READ_ROLES)
  list(@ReadCtx() actor: Actor, @Query() q: ListByVillageQuery): Promise<CadreView[]> {
    return this.reads.cadres(actor, { ...(q.villageId ? { villageId: q.villageId } : {}) }, pageOf(q));
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  async get(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<CadreView> {
    const view = await this.reads.cadre(actor, id);
    if (!view) throw new NotFoundError('CADRE', id);
    return view;
  }

  @Post(':id/contact-cards')
  @HttpCode(204)
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '民情联系卡 / the cadre takes a household of their village to visit' })
  issueCard(@CommandCtx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() body: IssueCardRequest): Promise<void> {
    return this.work.issueCard(ctx, id, body.householdId);
  }

  @Post(':id/diary')
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '民情日记 / a field-diary entry (stays in the service, never published)' })
  writeDiary(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DiaryEntryRequest,
  ): Promise<{ id: string }> {
    return this.work.writeDiary(ctx, id, { writtenOn: body.writtenOn, text: body.text });
  }

  @Get(':id/diary')
  @Roles(...READ_ROLES)
  async diary(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string, @Query() q: PaginationQuery): Promise<DiaryEntryView[]> {
    const rows = await this.reads.diary(actor, id, pageOf(q));
    if (!rows) throw new NotFoundError('CADRE', id);
    return rows;
  }

  @Post(':id/visits')
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '走访慰问 / log a visit to card-holding households, once (no GPS, no photo)' })
  logVisit(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: LogVisitRequest,
  ): Promise<{ id: string }> {
    return this.work.logVisit(ctx, id, {
      ...(body.visitId ? { visitId: body.visitId } : {}),
      visitedOn: body.visitedOn,
      householdIds: body.householdIds,
      summary: body.summary,
    });
  }
}

@ApiTags('households')
@ApiBearerAuth()
@Controller('households')
export class HouseholdsHttpController {
  constructor(
    private readonly work: FieldWorkHandlers,
    @Inject(READ_MODEL) private readonly reads: AssistanceReadModel,
  ) {}

  @Post()
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '登记农户 / register a household of a village (the unit visits count against)' })
  register(@CommandCtx() ctx: CommandContext, @Body() body: RegisterHouseholdRequest): Promise<{ id: string }> {
    return this.work.registerHousehold(ctx, body.villageId, { label: body.label, headName: body.headName });
  }

  @Get()
  @Roles(...READ_ROLES)
  list(@ReadCtx() actor: Actor, @Query() q: HouseholdsQuery): Promise<HouseholdView[]> {
    return this.reads.households(actor, q.villageId, pageOf(q));
  }
}

@ApiTags('deeds')
@ApiBearerAuth()
@Controller('deeds')
export class DeedsHttpController {
  constructor(
    private readonly work: FieldWorkHandlers,
    @Inject(READ_MODEL) private readonly reads: AssistanceReadModel,
  ) {}

  @Post()
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '办实事 / log a deed once; evaluation and reporting read it from the DeedDone event' })
  record(@CommandCtx() ctx: CommandContext, @Body() body: RecordDeedRequest): Promise<{ id: string }> {
    return this.work.recordDeed(ctx, body.villageId, {
      ...(body.deedId ? { deedId: body.deedId } : {}),
      pairingId: body.pairingId ?? null,
      cadreId: body.cadreId ?? null,
      category: body.category,
      title: body.title,
      doneOn: body.doneOn,
      amountFen: body.amountFen ?? null,
      householdsHelped: body.householdsHelped,
    });
  }

  @Get()
  @Roles(...READ_ROLES)
  list(@ReadCtx() actor: Actor, @Query() q: ListByVillageQuery): Promise<DeedView[]> {
    return this.reads.deeds(actor, { ...(q.villageId ? { villageId: q.villageId } : {}) }, pageOf(q));
  }
}
