import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { EstablishContactPointCommand } from '../../application/commands/establish-contact-point/establish-contact-point.command';
import { LogVisitCommand } from '../../application/commands/log-visit/log-visit.command';
import { GetContactPointQuery, ListContactPointsQuery as ListContactPoints } from '../../application/queries';
import { ContactPointNotFoundError } from '../../domain/contact-point/contact-point.errors';
import { ConcealOutOfScope } from './conceal-out-of-scope';
import { CONTACT_POINT_WRITE_ROLES, READ_ROLES } from './access';
import {
  ContactPointDetailResponse,
  ContactPointPageResponse,
  ContactPointResponse,
  EstablishContactPointRequest,
  ListContactPointsQuery,
  LogVisitRequest,
} from './dto/contact-point.dto';
import { CreatedResponse } from './dto/organization.dto';
import { pageOf } from './dto/page.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

/** Someone else's contact point is answered like one that does not exist. */
const contactPointConcealed = ConcealOutOfScope({ notFound: (req) => new ContactPointNotFoundError(req.params['id'] ?? '') });

@ApiTags('contact-points')
@ApiBearerAuth()
@Controller('contact-points')
export class ContactPointsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles(...CONTACT_POINT_WRITE_ROLES)
  @ApiOperation({ summary: '建立领导干部联系点 / a leader takes an organisation as contact point' })
  @ApiCreatedResponse({ type: ContactPointDetailResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no such organisation'],
    422: [
      'ORGANIZATION.NOT_ACTIVE: the organisation is dissolved or merged',
      'CONTACT_POINT.ESTABLISHED_IN_FUTURE: establishedOn is after today',
    ],
  })
  async establish(@CommandCtx() ctx: CommandContext, @Body() body: EstablishContactPointRequest): Promise<ContactPointDetailResponse> {
    const { id } = await this.commands.execute(
      new EstablishContactPointCommand(ctx, {
        orgId: body.orgId,
        leaderId: body.leaderId ?? ctx.actor.sub,
        leaderName: body.leaderName,
        ...(body.establishedOn ? { establishedOn: body.establishedOn } : {}),
      }),
    );
    return ContactPointDetailResponse.detail(await this.queries.execute(new GetContactPointQuery(ctx.actor, id)));
  }

  @contactPointConcealed
  @Post(':id/visits')
  @Roles(...CONTACT_POINT_WRITE_ROLES)
  @ApiOperation({ summary: '记录走访 / log a visit (date, who was visited, what was solved)' })
  @ApiCreatedResponse({ type: CreatedResponse })
  @ApiRefusals({
    404: ['CONTACT_POINT.NOT_FOUND: no such contact point'],
    422: [
      'ORGANIZATION.NOT_ACTIVE: its organisation is dissolved or merged',
      'CONTACT_POINT.VISIT_DATE_INVALID: visitedOn is before the contact point was established or after today',
    ],
  })
  logVisit(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: LogVisitRequest,
  ): Promise<{ id: string }> {
    return this.commands.execute(new LogVisitCommand(ctx, id, { visitedOn: body.visitedOn, visited: body.visited, solved: body.solved }));
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '联系点列表 / contact points of a subtree; withoutVisitInLastMonth=true lists those not visited in 30 days' })
  @ApiOkResponse({ type: ContactPointPageResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'] })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListContactPointsQuery): Promise<ContactPointPageResponse> {
    const { subtreeOf, withoutVisitInLastMonth } = q;
    const page = await this.queries.execute(
      new ListContactPoints(
        actorOf(p),
        { ...(subtreeOf && { subtreeOf }), ...(withoutVisitInLastMonth && { withoutVisitInLastMonth }) },
        pageOf(q),
      ),
    );
    return { items: page.items.map((c) => ContactPointResponse.of(c)), nextCursor: page.nextCursor };
  }

  @contactPointConcealed
  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOkResponse({ type: ContactPointDetailResponse })
  @ApiRefusals({ 404: ['CONTACT_POINT.NOT_FOUND: no such contact point'] })
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ContactPointDetailResponse> {
    return ContactPointDetailResponse.detail(await this.queries.execute(new GetContactPointQuery(actorOf(p), id)));
  }
}
