import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AssignMemberRoleCommand } from '../../application/commands/assign-member-role/assign-member-role.command';
import type { CommandContext } from '../../application/commands/command-context';
import { EnrolMemberCommand } from '../../application/commands/enrol-member/enrol-member.command';
import { GrantVanguardPostCommand } from '../../application/commands/grant-vanguard-post/grant-vanguard-post.command';
import { MakeMemberFullCommand } from '../../application/commands/make-member-full/make-member-full.command';
import { RemoveMemberCommand } from '../../application/commands/remove-member/remove-member.command';
import { GetMemberQuery, ListMembersQuery as ListMembers } from '../../application/queries';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import { MEMBER_WRITE_ROLES, READ_ROLES } from './access';
import { ConcealOutOfScope } from './conceal-out-of-scope';
import {
  AssignRoleRequest,
  EnrolMemberRequest,
  GrantPostRequest,
  ListMembersQuery,
  MakeFullRequest,
  MemberDetailResponse,
  MemberPageResponse,
  RemoveMemberRequest,
} from './dto/member.dto';
import { pageOf } from './dto/page.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

/** Someone else's member is answered like a member that does not exist. */
const memberConcealed = ConcealOutOfScope({ notFound: (req) => new MemberNotFoundError(req.params['id'] ?? '') });

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class MembersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles(...MEMBER_WRITE_ROLES)
  @ApiOperation({ summary: '党员登记 / enrol a member in an organisation of your subtree' })
  @ApiCreatedResponse({ type: MemberDetailResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no such organisation'],
    409: ['MEMBER.ID_NUMBER_TAKEN: an active member of your subtree holds this idNumber'],
    422: [
      'ORGANIZATION.NOT_ACTIVE: the organisation is dissolved or merged',
      'MEMBER.ID_NUMBER_INVALID: the birth date in idNumber is after today',
      'MEMBER.JOINED_IN_FUTURE: joinedOn is after today',
      'MEMBER.FULL_BEFORE_PROBATION_ENDS: status full before the first anniversary of joining',
    ],
    429: ['IMPORT.ID_CHECKS_EXHAUSTED: your ID-number checks for this window are used up (Retry-After)'],
  })
  async enrol(@CommandCtx() ctx: CommandContext, @Body() body: EnrolMemberRequest): Promise<MemberDetailResponse> {
    const { member } = await this.commands.execute(
      new EnrolMemberCommand(ctx, {
        orgId: body.orgId,
        name: body.name,
        status: body.status,
        joinedOn: body.joinedOn,
        roles: body.roles ?? [],
        posts: body.posts ?? [],
        idNumber: body.idNumber ?? null,
        phone: body.phone ?? null,
      }),
    );
    // Built from the enrolment, not read back: a held enrolment (ADR 0011) has no row to read.
    return MemberDetailResponse.detail(member);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '党员列表 / members of a subtree (default: yours), cursor-paginated; personal data masked' })
  @ApiOkResponse({ type: MemberPageResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'] })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListMembersQuery): Promise<MemberPageResponse> {
    const { subtreeOf, status, role, membership, probation } = q;
    const page = await this.queries.execute(
      new ListMembers(
        actorOf(p),
        {
          ...(subtreeOf && { subtreeOf }),
          ...(status && { status }),
          ...(role && { role }),
          ...(membership && { membership }),
          ...(probation && { probation }),
        },
        pageOf(q),
      ),
    );
    return { items: page.items.map((m) => MemberDetailResponse.of(m)), nextCursor: page.nextCursor };
  }

  @memberConcealed
  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '党员详情及组织关系历史 / one member with their history' })
  @ApiOkResponse({ type: MemberDetailResponse })
  @ApiRefusals({ 404: ['MEMBER.NOT_FOUND: no such member'] })
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<MemberDetailResponse> {
    return MemberDetailResponse.detail(await this.queries.execute(new GetMemberQuery(actorOf(p), id)));
  }

  @memberConcealed
  @Post(':id/roles')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '任职 / assign a role (409 if already held)' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['MEMBER.NOT_FOUND: no such member'],
    409: [
      'MEMBER.ROLE_ALREADY_HELD: he holds this role already',
      'MEMBER.CONCURRENT_MODIFICATION: he kept changing organisation meanwhile; retry',
    ],
    422: ['MEMBER.NOT_ACTIVE: he has left'],
  })
  async assignRole(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AssignRoleRequest,
  ): Promise<void> {
    await this.commands.execute(new AssignMemberRoleCommand(ctx, id, body.role));
  }

  @memberConcealed
  @Post(':id/posts')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '亮牌示范 / grant a vanguard post' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['MEMBER.NOT_FOUND: no such member'],
    409: ['MEMBER.CONCURRENT_MODIFICATION: he kept changing organisation meanwhile; retry'],
    422: ['MEMBER.NOT_ACTIVE: he has left'],
  })
  async grantPost(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: GrantPostRequest,
  ): Promise<void> {
    await this.commands.execute(new GrantVanguardPostCommand(ctx, id, body.post));
  }

  @memberConcealed
  @Post(':id/full')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({
    summary: '预备党员转正 / a probationary member becomes full from the day his probation ended (409 if already full)',
  })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['MEMBER.NOT_FOUND: no such member'],
    409: [
      'MEMBER.ALREADY_FULL: he is a full member already',
      'MEMBER.CONCURRENT_MODIFICATION: he kept changing organisation meanwhile; retry',
    ],
    422: [
      'MEMBER.NOT_ACTIVE: he has left',
      'MEMBER.FULL_IN_FUTURE: fullOn is after today',
      'MEMBER.FULL_BEFORE_PROBATION_ENDS: fullOn is before the first anniversary of joining',
      'MEMBER.PROBATION_OVERRUN: fullOn is past the second anniversary of joining',
    ],
  })
  async makeFull(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: MakeFullRequest,
  ): Promise<void> {
    await this.commands.execute(new MakeMemberFullCommand(ctx, id, body.fullOn));
  }

  @memberConcealed
  @Post(':id/leave')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '出党/去世等减少 / the member leaves other than by transfer' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['MEMBER.NOT_FOUND: no such member'],
    409: ['MEMBER.CONCURRENT_MODIFICATION: he kept changing organisation meanwhile; retry'],
    422: [
      'MEMBER.NOT_ACTIVE: he has left already',
      'MEMBER.LEFT_ON_OUT_OF_RANGE: today is before his joining day or before the latest day of his history',
    ],
  })
  async leave(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RemoveMemberRequest,
  ): Promise<void> {
    await this.commands.execute(new RemoveMemberCommand(ctx, id, body.reason));
  }
}
