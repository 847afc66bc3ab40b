import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Roles, ScopeService } from '@vanguard/auth';
import { INVESTIGATOR_ROLE } from '@vanguard/commendation-domain';
import type { CommandContext } from '../../../application/commands/command-context';
import { AssignObjectionHandler, ConcludeObjectionHandler } from '../../../application/commands/objections/investigate-objection.handlers';
import { OBJECTOR_CONTACTS, type ObjectorContactsPort } from '../../../application/commands/objections/objector-contacts.port';
import { OBJECTION_QUERIES, type ObjectionQueriesPort, type ObjectionView } from '../../../application/queries/objection-queries.port';
import { Ctx, INSPECTOR_ROLES, PROGRAMME_ROLES, READ_ROLES, uuidParam } from '../request-context';
import { ApiRefusals, IsUuid, NestedObject, IsNotBlank, QueryInt, MaxLength } from '@vanguard/http';

class InvestigatorDto {
  @ApiProperty({ description: 'the inspector’s Keycloak subject' }) @IsString() @IsNotBlank() @MaxLength(200) sub!: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() orgId!: string;
}

export class AssignObjectionRequest {
  @ApiPropertyOptional({ type: InvestigatorDto, description: 'default: the caller (an inspector) takes it' })
  @IsOptional()
  @NestedObject(() => InvestigatorDto)
  investigator?: InvestigatorDto;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class FindingsRequest {
  @ApiProperty({ example: '经走访核实，所反映问题不属实' }) @IsString() @IsNotBlank() @MaxLength(8000) findings!: string;
}

const STATUSES = ['filed', 'assigned', 'upheld', 'dismissed'] as const;
/**
 * A page of objections at most. The list stopped at this many with nothing to say so: a spammer's
 * thousand objections filed first hid every later one from the awarding body's list.
 */
const OBJECTION_PAGE = 1000;

export class ObjectionListQuery {
  @ApiProperty({ format: 'uuid' }) @IsUuid() programmeId!: string;
  // Unchecked, `status=foo` answered 200 [] as if the programme had no objection at all.
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: OBJECTION_PAGE, default: OBJECTION_PAGE, description: 'objections per page' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(OBJECTION_PAGE)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'the last objection of the page before (its `Link: rel="next"`)' })
  @IsOptional()
  @IsUuid()
  after?: string;
}

class InvestigatorView {
  @ApiProperty() sub!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
}

/** What the list answers of each objection (ObjectionView), for the OpenAPI document. */
class ObjectionResponse {
  @ApiProperty({ format: 'uuid' }) objectionId!: string;
  @ApiProperty() trackingCode!: string;
  @ApiProperty({ format: 'uuid' }) programmeId!: string;
  @ApiProperty({ format: 'uuid' }) nominationId!: string;
  @ApiProperty({ format: 'uuid' }) awardingOrgId!: string;
  @ApiProperty() round!: number;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ format: 'date' }) filedOn!: string;
  @ApiProperty() grounds!: string;
  @ApiProperty({ type: InvestigatorView, nullable: true }) investigator!: InvestigatorView | null;
  @ApiProperty({ type: String, nullable: true }) findings!: string | null;
  @ApiProperty() version!: number;
}

const notFound = () => new NotFoundException({ code: 'OBJECTION.NOT_FOUND', message: '没有这件异议 / no such objection' });

/** 异议核查: the awarding body assigns, the inspector investigates and concludes. */
@ApiTags('objections')
@ApiBearerAuth()
@Controller('objections')
export class ObjectionsHttpController {
  constructor(
    private readonly assignHandler: AssignObjectionHandler,
    private readonly conclude: ConcludeObjectionHandler,
    @Inject(OBJECTION_QUERIES) private readonly queries: ObjectionQueriesPort,
    @Inject(OBJECTOR_CONTACTS) private readonly contacts: ObjectorContactsPort,
    private readonly scope: ScopeService,
  ) {}

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '异议 / a programme’s objections (the caller must hold the awarding body)' })
  @ApiOkResponse({
    type: [ObjectionResponse],
    description: 'by filing day, then id; a full page answers `Link: <…&after=…>; rel="next"` for the next one',
    headers: { Link: { description: 'the next page, when this one is full', schema: { type: 'string' } } },
  })
  async list(
    @Ctx() ctx: CommandContext,
    @Query() { programmeId, status, after, limit = OBJECTION_PAGE }: ObjectionListQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.queries.ofProgramme(programmeId, { ...(status ? { status } : {}), ...(after ? { after } : {}), limit });
    // Judged by the programme's awarding body before the cursor: another subtree's caller learns
    // nothing, not even whether an objection id it computed exists.
    if (!page.awardingOrgId || !this.scope.isWithin({ orgId: ctx.caller.orgId }, page.awardingOrgId)) return [];
    if (!page.cursorFound)
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: '请求参数有误 / invalid request: after: not an objection of this programme',
        errors: [{ field: 'after', reason: '不是本表彰项目的异议 / not an objection of this programme' }],
      });
    const { objections } = page;
    const last = objections[objections.length - 1];
    if (objections.length === limit && last) {
      const next = new URLSearchParams({ programmeId, ...(status ? { status } : {}), limit: String(limit), after: last.objectionId });
      res.setHeader('Link', `</objections?${next.toString()}>; rel="next"`);
    }
    return objections;
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '异议 / one objection; its investigator also sees the objector’s name and contact (until concluded)' })
  @ApiRefusals({ 404: ['OBJECTION.NOT_FOUND: unknown, or outside your subtree'] })
  async one(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<ObjectionView & { objector?: unknown }> {
    const o = await this.queries.objection(id);
    if (!o || !this.scope.isWithin({ orgId: ctx.caller.orgId }, o.awardingOrgId)) throw notFound();
    // The investigator named AND an inspector by this token: naming someone is not making them one.
    if (o.investigator?.sub !== ctx.caller.sub || !ctx.caller.roles.includes(INVESTIGATOR_ROLE)) return o;
    return { ...o, objector: (await this.contacts.read(id)) ?? { name: null, contact: null } };
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles(...INSPECTOR_ROLES, ...PROGRAMME_ROLES)
  @ApiOperation({ summary: '交办 / the awarding body assigns the objection to an inspector (default: the caller)' })
  @ApiRefusals({
    403: ['OBJECTION.NOT_AWARDING_BODY: only the awarding body assigns its objections'],
    404: ['OBJECTION.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'OBJECTION.CLOSED: the objection is concluded',
      'OBJECTION.ALREADY_ASSIGNED: it is assigned to that investigator already',
      'STREAM.CONCURRENT_CHANGE: the objection changed meanwhile; reload and try again',
    ],
    422: ['OBJECTION.NOT_AN_INSPECTOR: the investigator is not an inspector at the awarding body or above'],
  })
  assign(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: AssignObjectionRequest) {
    return this.assignHandler.execute(
      id,
      {
        ...(b.investigator ? { investigator: { sub: b.investigator.sub, orgId: b.investigator.orgId } } : {}),
        ...(b.reason ? { reason: b.reason } : {}),
      },
      ctx,
    );
  }

  @Post(':id/uphold')
  @HttpCode(200)
  @Roles(...INSPECTOR_ROLES)
  @ApiOperation({ summary: '异议成立 / the investigator upholds it with findings; the nomination is withdrawn' })
  @ApiRefusals({
    403: ['OBJECTION.NOT_THE_INVESTIGATOR: only the inspector it is assigned to concludes it'],
    404: ['OBJECTION.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'OBJECTION.NOT_ASSIGNED: the objection is not assigned, or is concluded already',
      'NOMINATION.NOT_STANDING: the nomination it concerns is no longer in the running (decided or revoked)',
      'STREAM.CONCURRENT_CHANGE: the objection, the nomination or its unit’s places kept changing; reload and try again',
    ],
  })
  uphold(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: FindingsRequest) {
    return this.conclude.execute(id, true, b.findings, ctx);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles(...INSPECTOR_ROLES)
  @ApiOperation({ summary: '异议不成立 / the investigator dismisses it with findings' })
  @ApiRefusals({
    403: ['OBJECTION.NOT_THE_INVESTIGATOR: only the inspector it is assigned to concludes it'],
    404: ['OBJECTION.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'OBJECTION.NOT_ASSIGNED: the objection is not assigned, or is concluded already',
      'STREAM.CONCURRENT_CHANGE: the objection kept changing; reload and try again',
    ],
  })
  dismiss(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: FindingsRequest) {
    return this.conclude.execute(id, false, b.findings, ctx);
  }
}
