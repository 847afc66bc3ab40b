import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { DissolveOrganizationCommand } from '../../application/commands/dissolve-organization/dissolve-organization.command';
import { MergeOrganizationCommand } from '../../application/commands/merge-organization/merge-organization.command';
import { MoveOrganizationCommand } from '../../application/commands/move-organization/move-organization.command';
import { RegisterOrganizationCommand } from '../../application/commands/register-organization/register-organization.command';
import { RenameOrganizationCommand } from '../../application/commands/rename-organization/rename-organization.command';
import { GetAncestorsQuery, GetOrganizationQuery, ListOrganizationsQuery as ListOrganizations } from '../../application/queries';
import { ORG_WRITE_ROLES, READ_ROLES } from './access';
import {
  DissolveOrganizationRequest,
  ListOrganizationsQuery,
  MergeOrganizationRequest,
  MoveOrganizationRequest,
  OrganizationPageResponse,
  OrganizationResponse,
  RegisterOrganizationRequest,
  RenameOrganizationRequest,
} from './dto/organization.dto';
import { pageOf, PageQueryDto } from './dto/page.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles(...ORG_WRITE_ROLES)
  @ApiOperation({
    summary:
      '建立党组织 / register an organisation under a parent in your subtree; a new province (no parent) only by an admin of a province',
  })
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no such parent'],
    409: ['ORGANIZATION.ID_TAKEN: an organisation has this id already', 'ORGANIZATION.CODE_TAKEN: the code is in use'],
    422: [
      'ORGANIZATION.ESTABLISHED_IN_FUTURE: establishedOn is after today',
      'ORGANIZATION.NOT_ACTIVE: the parent is dissolved or merged',
      'ORGANIZATION.LEVEL_MISMATCH: the level is not below the parent’s (a root must be a province)',
      'ORGANIZATION.CODE_NOT_UNDER_PARENT: the code does not extend the parent’s',
    ],
  })
  async register(@CommandCtx() ctx: CommandContext, @Body() body: RegisterOrganizationRequest): Promise<OrganizationResponse> {
    const { organization } = await this.commands.execute(
      new RegisterOrganizationCommand(ctx, {
        ...(body.id ? { id: body.id } : {}),
        code: body.code,
        name: body.name,
        level: body.level,
        kind: body.kind,
        sector: body.sector,
        parentId: body.parentId ?? null,
        establishedOn: body.establishedOn,
        temporary: body.temporary ?? false,
      }),
    );
    return OrganizationResponse.of(organization);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '党组织列表 / organisations in a subtree (default: yours), filtered, by code, cursor-paginated' })
  @ApiOkResponse({ type: OrganizationPageResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'] })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListOrganizationsQuery): Promise<OrganizationPageResponse> {
    const { subtreeOf, level, sector, status, kind, parentId } = q;
    const page = await this.queries.execute(
      new ListOrganizations(
        actorOf(p),
        {
          ...(subtreeOf && { subtreeOf }),
          ...(level && { level }),
          ...(sector && { sector }),
          ...(status && { status }),
          ...(kind && { kind }),
          ...(parentId && { parentId }),
        },
        pageOf(q),
      ),
    );
    return { items: page.items.map((o) => OrganizationResponse.of(o)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '党组织详情 / one organisation' })
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: no such organisation'] })
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<OrganizationResponse> {
    return OrganizationResponse.of(await this.queries.execute(new GetOrganizationQuery(actorOf(p), id)));
  }

  @Get(':id/ancestors')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '上级组织链 / ancestors from the root down to the parent' })
  @ApiOkResponse({ type: [OrganizationResponse] })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: no such organisation'] })
  async ancestors(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<OrganizationResponse[]> {
    return (await this.queries.execute(new GetAncestorsQuery(actorOf(p), id))).map((o) => OrganizationResponse.of(o));
  }

  @Get(':id/subtree')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '下级组织树 / the organisation and everything below it, by code, cursor-paginated' })
  @ApiOkResponse({ type: OrganizationPageResponse })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: no such organisation'] })
  async subtree(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Query() q: PageQueryDto,
  ): Promise<OrganizationPageResponse> {
    const page = await this.queries.execute(new ListOrganizations(actorOf(p), { subtreeOf: id }, pageOf(q)));
    return { items: page.items.map((o) => OrganizationResponse.of(o)), nextCursor: page.nextCursor };
  }

  @Patch(':id/name')
  @Roles(...ORG_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '更名 / rename' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no such organisation'],
    422: ['ORGANIZATION.NOT_ACTIVE: it is dissolved or merged'],
  })
  async rename(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RenameOrganizationRequest,
  ): Promise<void> {
    await this.commands.execute(new RenameOrganizationCommand(ctx, id, body.name));
  }

  @Post(':id/move')
  @Roles(...ORG_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '调整隶属关系 / move under another parent (409 if it would make a cycle); the subtree follows' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: the organisation or the new parent is unknown'],
    409: [
      'ORGANIZATION.MOVE_CYCLE: the new parent is the organisation itself or below it',
      'ORGANIZATION.CODE_TAKEN: the new code (or a descendant’s) is in use',
    ],
    422: [
      'ORGANIZATION.NOT_ACTIVE: the organisation or the new parent is dissolved or merged',
      'ORGANIZATION.LEVEL_MISMATCH: its level is not below the new parent’s',
      'ORGANIZATION.CODE_INVALID: the code it would take is not 2–30 digits',
      'ORGANIZATION.CODE_NOT_UNDER_PARENT: the code does not extend the new parent’s',
      'ORGANIZATION.DESCENDANT_CODE_TOO_LONG: a descendant’s code would pass 30 digits',
    ],
  })
  async move(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: MoveOrganizationRequest,
  ): Promise<void> {
    await this.commands.execute(new MoveOrganizationCommand(ctx, id, body.parentId, body.code));
  }

  @Post(':id/merge')
  @Roles(...ORG_WRITE_ROLES)
  @ApiOperation({ summary: '合并 / merge into another organisation; its members move to the survivor' })
  @ApiCreatedResponse({ schema: { properties: { membersMoved: { type: 'integer' } } } })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: the organisation or the survivor is unknown'],
    422: [
      'ORGANIZATION.MERGE_INTO_SELF: the survivor is the organisation itself',
      'ORGANIZATION.NOT_ACTIVE: the organisation or the survivor is dissolved or merged',
      'ORGANIZATION.HAS_CHILDREN: it still has active child organisations',
    ],
  })
  merge(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: MergeOrganizationRequest,
  ): Promise<{ membersMoved: number }> {
    return this.commands.execute(new MergeOrganizationCommand(ctx, id, body.survivingOrganizationId));
  }

  @Post(':id/dissolve')
  @Roles(...ORG_WRITE_ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: '撤销 / dissolve (422 while it has members or active children)' })
  @ApiNoContentResponse()
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no such organisation'],
    422: [
      'ORGANIZATION.NOT_ACTIVE: it is dissolved or merged already',
      'ORGANIZATION.HAS_MEMBERS: it still has active members',
      'ORGANIZATION.HAS_CHILDREN: it still has active child organisations',
    ],
  })
  async dissolve(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DissolveOrganizationRequest,
  ): Promise<void> {
    await this.commands.execute(new DissolveOrganizationCommand(ctx, id, body.reason));
  }
}
