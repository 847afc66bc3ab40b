import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import type { CommandContext } from '../../application/commands/command-context';
import { GetOrganizationQuery } from '../../application/queries';
import { ROSTER_EXPORTS, ROSTER_IMPORTS, type RosterExports, type RosterImports } from '../../application/ports/roster.port';
import type { RosterKind } from '../../application/roster/roster-format';
import { MEMBER_WRITE_ROLES, ORG_WRITE_ROLES, READ_ROLES } from './access';
import { ExportQuery, ImportJobResponse, ImportQuery } from './dto/roster.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

@ApiTags('roster')
@ApiBearerAuth()
@Controller()
export class RosterHttpController {
  constructor(
    @Inject(ROSTER_IMPORTS) private readonly imports: RosterImports,
    @Inject(ROSTER_EXPORTS) private readonly exports: RosterExports,
    private readonly queries: QueryBus,
  ) {}

  @Post('imports/members')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(202)
  @ApiConsumes(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({ summary: '导入党员花名册 / import a member roster into your subtree: a job; poll it for progress and bad rows' })
  @ApiAcceptedResponse({ type: ImportJobResponse })
  importMembers(@CommandCtx() ctx: CommandContext, @Query() q: ImportQuery, @Req() req: Request): Promise<ImportJobResponse> {
    return this.startImport('members', ctx, q, req);
  }

  @Post('imports/organizations')
  @Roles(...ORG_WRITE_ROLES)
  @HttpCode(202)
  @ApiConsumes(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({ summary: '导入党组织 / import organisations (parents before children) into your subtree' })
  @ApiAcceptedResponse({ type: ImportJobResponse })
  importOrganizations(@CommandCtx() ctx: CommandContext, @Query() q: ImportQuery, @Req() req: Request): Promise<ImportJobResponse> {
    return this.startImport('organizations', ctx, q, req);
  }

  @Get('imports/:id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '导入进度与错误行 / an import job: progress %, counts, every bad row (row, column, reason)' })
  @ApiOkResponse({ type: ImportJobResponse })
  async job(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ImportJobResponse> {
    const job = await this.imports.find(id);
    if (!job) throw new NotFoundException({ code: 'IMPORT.NOT_FOUND', message: `导入任务不存在 / import job not found: ${id}` });
    // Visible to whoever holds the organisation the job was started for (checked like any organisation read).
    if (job.actorOrgId) await this.queries.execute(new GetOrganizationQuery(actorOf(p), job.actorOrgId));
    return ImportJobResponse.of(job);
  }

  @Get('exports/members')
  @Roles(...READ_ROLES)
  @ApiProduces(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({
    summary: '导出党员花名册 / export members of a subtree in the import format; ID number and phone in clear only for admin/organizer',
  })
  exportMembers(@CurrentPrincipal() p: Principal, @Query() q: ExportQuery, @Res() res: Response): Promise<void> {
    return this.export('members', p, q, res);
  }

  @Get('exports/organizations')
  @Roles(...READ_ROLES)
  @ApiProduces(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({ summary: '导出党组织 / export the organisations of a subtree in the import format' })
  exportOrganizations(@CurrentPrincipal() p: Principal, @Query() q: ExportQuery, @Res() res: Response): Promise<void> {
    return this.export('organizations', p, q, res);
  }

  private async startImport(kind: RosterKind, ctx: CommandContext, q: ImportQuery, req: Request): Promise<ImportJobResponse> {
    const file = join(tmpdir(), `vanguard-import-${randomUUID()}.${q.format}`);
    await pipeline(req, createWriteStream(file));
    const job = await this.imports.start({
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      kind,
      format: q.format,
      dryRun: q.dryRun ?? false,
      file,
    });
    return ImportJobResponse.of(job);
  }

  private async export(kind: RosterKind, p: Principal, q: ExportQuery, res: Response): Promise<void> {
    const actor = actorOf(p);
    const rootId = q.subtreeOf ?? actor.orgId;
    if (!rootId)
      throw new ForbiddenException({ code: 'AUTH.OUT_OF_SCOPE', message: '令牌中没有所属组织 / the token names no organisation' });
    const root = await this.queries.execute(new GetOrganizationQuery(actor, rootId));
    res.setHeader('Content-Type', CONTENT_TYPE[q.format]);
    res.setHeader('Content-Disposition', `attachment; filename="${kind}-${root.code}.${q.format}"`);
    await this.exports.write({
      kind,
      format: q.format,
      rootId: root.id,
      personal: p.roles.includes('admin') || p.roles.includes('organizer'),
      out: res,
    });
  }
}
