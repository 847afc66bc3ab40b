import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { CompleteTransferCommand } from '../../application/commands/complete-transfer/complete-transfer.command';
import { DecideTransferCommand } from '../../application/commands/decide-transfer/decide-transfer.command';
import { RequestTransferCommand } from '../../application/commands/request-transfer/request-transfer.command';
import { GetTransferQuery, ListTransfersQuery as ListTransfers } from '../../application/queries';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import { TransferNotFoundError } from '../../domain/transfer/member-transfer.errors';
import { MEMBER_WRITE_ROLES, READ_ROLES } from './access';
import { ConcealOutOfScope } from './conceal-out-of-scope';
import { pageOf } from './dto/page.dto';
import {
  ListTransfersQuery,
  RejectTransferRequest,
  RequestTransferRequest,
  TransferPageResponse,
  TransferResponse,
} from './dto/transfer.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

/** Requesting a transfer of someone else's member is answered like an unknown member. */
const memberConcealed = ConcealOutOfScope({
  notFound: (req) => new MemberNotFoundError(typeof req.body?.['memberId'] === 'string' ? req.body['memberId'] : ''),
});
/** A transfer neither side of which is yours is answered like one that does not exist; a side that can read it keeps its 403. */
const transferConcealed = ConcealOutOfScope({
  notFound: (req) => new TransferNotFoundError(req.params['id'] ?? ''),
  visible: async (req, queries) =>
    !!req.principal && !!(await queries.execute(new GetTransferQuery(actorOf(req.principal), req.params['id'] ?? ''))),
});

@ApiTags('transfers')
@ApiBearerAuth()
@Controller('transfers')
export class TransfersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @memberConcealed
  @Post()
  @Roles(...MEMBER_WRITE_ROLES)
  @ApiOperation({ summary: '申请组织关系转接 / the member’s current organisation requests a transfer (422 to the same organisation)' })
  @ApiCreatedResponse({ type: TransferResponse })
  @ApiRefusals({
    404: ['MEMBER.NOT_FOUND: no such member', 'ORGANIZATION.NOT_FOUND: toOrgId is unknown'],
    409: [
      'TRANSFER.ALREADY_OPEN: he has an open transfer already',
      'MEMBER.CONCURRENT_MODIFICATION: he kept changing organisation meanwhile; retry',
    ],
    422: [
      'TRANSFER.SAME_ORGANIZATION: toOrgId is his own organisation',
      'ORGANIZATION.NOT_ACTIVE: the receiving organisation is dissolved or merged',
      'MEMBER.NOT_ACTIVE: he has left',
      'TRANSFER.DEADLINE_BEFORE_REQUEST: deadline is before today',
    ],
  })
  async request(@CommandCtx() ctx: CommandContext, @Body() body: RequestTransferRequest): Promise<TransferResponse> {
    const { id } = await this.commands.execute(new RequestTransferCommand(ctx, body.memberId, body.toOrgId, body.deadline));
    return TransferResponse.of(await this.queries.execute(new GetTransferQuery(ctx.actor, id)));
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '转接列表 / transfers to or from a subtree; overdue=true lists open ones past their deadline' })
  @ApiOkResponse({ type: TransferPageResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'] })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListTransfersQuery): Promise<TransferPageResponse> {
    const { subtreeOf, overdue, status } = q;
    const page = await this.queries.execute(
      new ListTransfers(actorOf(p), { ...(subtreeOf && { subtreeOf }), ...(overdue && { overdue }), ...(status && { status }) }, pageOf(q)),
    );
    return { items: page.items.map((t) => TransferResponse.of(t)), nextCursor: page.nextCursor };
  }

  @transferConcealed
  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOkResponse({ type: TransferResponse })
  @ApiRefusals({ 404: ['TRANSFER.NOT_FOUND: unknown, or neither side is yours'] })
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<TransferResponse> {
    return TransferResponse.of(await this.queries.execute(new GetTransferQuery(actorOf(p), id)));
  }

  @transferConcealed
  @Post(':id/accept')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '接收 / the receiving organisation accepts' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['TRANSFER.NOT_FOUND: unknown, or neither side is yours'],
    422: [
      'TRANSFER.INVALID_STATE: it is not awaiting a decision',
      'ORGANIZATION.NOT_ACTIVE: the receiving organisation is dissolved or merged',
    ],
  })
  async accept(@CommandCtx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.commands.execute(new DecideTransferCommand(ctx, id, 'accept'));
  }

  @transferConcealed
  @Post(':id/reject')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '拒收 / the receiving organisation rejects, with a reason' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['TRANSFER.NOT_FOUND: unknown, or neither side is yours'],
    422: ['TRANSFER.INVALID_STATE: it is not awaiting a decision'],
  })
  async reject(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RejectTransferRequest,
  ): Promise<void> {
    await this.commands.execute(new DecideTransferCommand(ctx, id, 'reject', body.reason));
  }

  @transferConcealed
  @Post(':id/complete')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '办结 / complete an accepted transfer; the member and their history move' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['TRANSFER.NOT_FOUND: unknown, or neither side is yours'],
    422: [
      'TRANSFER.INVALID_STATE: it has not been accepted, or is closed',
      'ORGANIZATION.NOT_ACTIVE: the receiving organisation is dissolved or merged',
      'TRANSFER.MEMBER_NO_LONGER_IN_SENDING_ORGANIZATION: the member has left the sending organisation',
      'MEMBER.NOT_ACTIVE: the member has left',
    ],
  })
  async complete(@CommandCtx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.commands.execute(new CompleteTransferCommand(ctx, id));
  }
}
