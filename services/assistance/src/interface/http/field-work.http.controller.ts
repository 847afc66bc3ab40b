import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals, PaginationQuery, IsUuid } from '@vanguard/http';

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
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown village, or outside your subtree'],
    409: ['CADRE.ALREADY_DISPATCHED: the member is already dispatched to this village for part of the period'],
    422: [
      'ORGANIZATION.NOT_A_VILLAGE: not an active village or community',
      'CADRE.NOT_AN_ACTIVE_MEMBER: the member is not active on the roster',
      'PERIOD.ENDS_BEFORE_START: the dispatch ends before it starts',
    ],
  })
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
  @ApiRefusals({ 404: ['CADRE.NOT_FOUND: unknown, or outside your subtree'] })
  async get(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<CadreView> {
    const view = await this.reads.cadre(actor, id);
    if (!view) throw new NotFoundError('CADRE', id);
    return view;
  }

  @Post(':id/contact-cards')
  @HttpCode(204)
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '民情联系卡 / the cadre takes a household of their village to visit' })
  @ApiRefusals({
    404: ['CADRE.NOT_FOUND: unknown, or outside your subtree', 'HOUSEHOLD.NOT_FOUND: unknown, or outside your subtree'],
    409: ['CARD.ALREADY_ISSUED: the household already holds this cadre’s card'],
    422: ['CARD.HOUSEHOLD_ELSEWHERE: the household lives in another village than the cadre serves'],
  })
  issueCard(@CommandCtx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() body: IssueCardRequest): Promise<void> {
    return this.work.issueCard(ctx, id, body.householdId);
  }

  @Post(':id/diary')
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '民情日记 / a field-diary entry (stays in the service, never published)' })
  @ApiRefusals({
    404: ['CADRE.NOT_FOUND: unknown, or outside your subtree'],
    422: ['DAY.IN_FUTURE: writtenOn is after today', 'CADRE.OUTSIDE_DISPATCH: writtenOn is outside the dispatch'],
  })
  writeDiary(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DiaryEntryRequest,
  ): Promise<{ id: string }> {
    return this.work.writeDiary(ctx, id, { writtenOn: body.writtenOn, text: body.text });
  }

  @Get(':id/diary')
  @Roles(...READ_ROLES)
  @ApiRefusals({ 404: ['CADRE.NOT_FOUND: unknown, or outside your subtree'] })
  async diary(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string, @Query() q: PaginationQuery): Promise<DiaryEntryView[]> {
    const rows = await this.reads.diary(actor, id, pageOf(q));
    if (!rows) throw new NotFoundError('CADRE', id);
    return rows;
  }

  @Post(':id/visits')
  @Roles(...FIELD_WORK_ROLES)
  @ApiOperation({ summary: '走访慰问 / log a visit to card-holding households, once (no GPS, no photo)' })
  @ApiRefusals({
    404: ['CADRE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['VISIT.ALREADY_LOGGED: a visit with this visitId was logged already'],
    422: [
      'DAY.IN_FUTURE: visitedOn is after today',
      'CADRE.OUTSIDE_DISPATCH: visitedOn is outside the dispatch',
      'VISIT.HOUSEHOLD_TWICE: a household is named more than once',
      'VISIT.HOUSEHOLD_WITHOUT_CARD: a household holds no contact card of this cadre',
    ],
  })
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
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown village, or outside your subtree'],
    409: ['HOUSEHOLD.ALREADY_REGISTERED: the village already has a household so labelled'],
  })
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
  @ApiRefusals({
    404: [
      'ORGANIZATION.NOT_FOUND: unknown village, or outside your subtree',
      'CADRE.NOT_FOUND: the cadre named is unknown, or outside your subtree',
      'PAIRING.NOT_FOUND: the pairing named is unknown, or outside your subtree',
    ],
    409: ['DEED.ALREADY_LOGGED: a deed with this deedId, or of this title in the village that day, was logged already'],
    422: [
      'ORGANIZATION.NOT_A_VILLAGE: not an active village or community',
      'DAY.IN_FUTURE: doneOn is after today',
      'DEED.CADRE_ELSEWHERE: the cadre named serves another village',
      'DEED.PAIRING_ELSEWHERE: the pairing named is with another village',
    ],
  })
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
