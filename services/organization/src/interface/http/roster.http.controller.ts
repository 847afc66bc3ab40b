import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  type OnApplicationBootstrap,
  Optional,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { allowBodiesLastingOnceServing, ApiRefusals, receiveUpload, streamBody, type ConcurrencyLimiter } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { GetOrganizationQuery } from '../../application/queries';
import { OutOfScopeError } from '../../application/scope/out-of-scope.error';
import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import { ROSTER_EXPORTS, ROSTER_IMPORTS, type RosterExports, type RosterImports } from '../../application/ports/roster.port';
import { RosterHeaderRefusedError, type RosterKind } from '../../application/roster/roster-format';
import { checkXlsxBounds, privateUploadDir, XlsxRefusedError } from '@vanguard/spreadsheet';
import { ROSTER_LIMITS, type RosterLimits } from '../../roster-limits.config';
import { MEMBER_WRITE_ROLES, ORG_WRITE_ROLES, READ_ROLES } from './access';
import { ExportQuery, ImportJobResponse, ImportQuery } from './dto/roster.dto';
import { actorOf, CommandCtx, uuidParam } from './request-context';

/** One limiter per kind of long work, made from the process's LongWork (see the module). */
export const EXPORT_LIMITER = Symbol('ExportLimiter');
export const IMPORT_LIMITER = Symbol('ImportLimiter');

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
/** The types an import is documented to take; the `format` query says which it is, and the reader checks the bytes. */
const IMPORT_TYPES = [CONTENT_TYPE.csv, CONTENT_TYPE.xlsx, 'application/octet-stream'] as const;
/** The file itself is the body (receiveUpload), not a multipart form. */
const IMPORT_BODY = {
  description: 'the roster file as the whole body, in the `format` the query names',
  schema: { type: 'string', format: 'binary' },
} as const;

@ApiTags('roster')
@ApiBearerAuth()
@Controller()
export class RosterHttpController implements OnApplicationBootstrap {
  constructor(
    @Inject(ROSTER_IMPORTS) private readonly imports: RosterImports,
    @Inject(ROSTER_EXPORTS) private readonly exports: RosterExports,
    private readonly queries: QueryBus,
    @Inject(ROSTER_LIMITS) private readonly limits: RosterLimits,
    @Inject(EXPORT_LIMITER) private readonly exportLimiter: ConcurrencyLimiter,
    @Inject(IMPORT_LIMITER) private readonly importLimiter: ConcurrencyLimiter,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** An upload may take its whole deadline: Node must not cut it first. */
  onApplicationBootstrap(): void {
    allowBodiesLastingOnceServing(this.adapterHost, this.limits.uploadDeadlineMs);
  }

  @Post('imports/members')
  @Roles(...MEMBER_WRITE_ROLES)
  @HttpCode(202)
  @ApiConsumes(...IMPORT_TYPES)
  @ApiBody(IMPORT_BODY)
  @ApiOperation({ summary: '导入党员花名册 / import a member roster into your subtree: a job; poll it for progress and bad rows' })
  @ApiAcceptedResponse({ type: ImportJobResponse })
  @ApiRefusals({
    422: [
      'IMPORT.FILE_REFUSED: the .xlsx is not a well-formed workbook within the size bounds',
      'IMPORT.HEADER_REFUSED: the header lacks a required column or names an unknown one',
    ],
    429: [
      'LIMIT.TOO_MANY: too many imports at once, yours or in all (Retry-After)',
      'IMPORT.ID_CHECKS_EXHAUSTED: your ID-number checks for this window are used up (Retry-After)',
    ],
  })
  importMembers(@CommandCtx() ctx: CommandContext, @Query() q: ImportQuery, @Req() req: Request): Promise<ImportJobResponse> {
    return this.startImport('members', ctx, q, req);
  }

  @Post('imports/organizations')
  @Roles(...ORG_WRITE_ROLES)
  @HttpCode(202)
  @ApiConsumes(...IMPORT_TYPES)
  @ApiBody(IMPORT_BODY)
  @ApiOperation({ summary: '导入党组织 / import organisations (parents before children) into your subtree' })
  @ApiAcceptedResponse({ type: ImportJobResponse })
  @ApiRefusals({
    422: [
      'IMPORT.FILE_REFUSED: the .xlsx is not a well-formed workbook within the size bounds',
      'IMPORT.HEADER_REFUSED: the header lacks a required column or names an unknown one',
    ],
    429: ['LIMIT.TOO_MANY: too many imports at once, yours or in all (Retry-After)'],
  })
  importOrganizations(@CommandCtx() ctx: CommandContext, @Query() q: ImportQuery, @Req() req: Request): Promise<ImportJobResponse> {
    return this.startImport('organizations', ctx, q, req);
  }

  @Get('imports/:id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '导入进度与错误行 / an import job: progress %, counts, every bad row (row, column, reason)' })
  @ApiOkResponse({ type: ImportJobResponse })
  @ApiRefusals({ 404: ['IMPORT.NOT_FOUND: no such import'] })
  async job(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ImportJobResponse> {
    const notFound = () => new NotFoundException({ code: 'IMPORT.NOT_FOUND', message: `导入任务不存在 / import job not found: ${id}` });
    const job = await this.imports.find(id);
    if (!job) throw notFound();
    // Visible to whoever holds the organisation the job was started for (checked like any
    // organisation read). Anyone else gets the unknown job's 404: a 403 confirmed the job and
    // named the starter's organisation.
    if (job.actorOrgId) {
      const visible = await this.queries.execute(new GetOrganizationQuery(actorOf(p), job.actorOrgId)).then(
        () => true,
        (e: unknown) => {
          if (e instanceof OutOfScopeError || e instanceof OrganizationNotFoundError) return false;
          throw e;
        },
      );
      if (!visible) throw notFound();
    }
    return ImportJobResponse.of(job);
  }

  @Get('exports/members')
  @Roles(...READ_ROLES)
  @ApiProduces(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({
    summary: '导出党员花名册 / export members of a subtree in the import format; ID number and phone in clear only for admin/organizer',
  })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'],
    429: ['LIMIT.TOO_MANY: too many exports at once, yours or in all (Retry-After)'],
  })
  exportMembers(@CurrentPrincipal() p: Principal, @Query() q: ExportQuery, @Res() res: Response): Promise<void> {
    return this.export('members', p, q, res);
  }

  @Get('exports/organizations')
  @Roles(...READ_ROLES)
  @ApiProduces(CONTENT_TYPE.csv, CONTENT_TYPE.xlsx)
  @ApiOperation({ summary: '导出党组织 / export the organisations of a subtree in the import format' })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: subtreeOf (or your token’s organisation) is unknown'],
    429: ['LIMIT.TOO_MANY: too many exports at once, yours or in all (Retry-After)'],
  })
  exportOrganizations(@CurrentPrincipal() p: Principal, @Query() q: ExportQuery, @Res() res: Response): Promise<void> {
    return this.export('organizations', p, q, res);
  }

  /**
   * Takes a place under the import limit before reading a byte, then writes the body to the
   * upload directory within the size and idle limits. The file is deleted on every path: here
   * when anything fails before the job starts, by the job when it ends.
   */
  private async startImport(kind: RosterKind, ctx: CommandContext, q: ImportQuery, req: Request): Promise<ImportJobResponse> {
    const lease = this.importLimiter.acquire(ctx.actor.sub);
    const file = join(this.limits.uploadDir, `vanguard-import-${randomUUID()}.${q.format}`);
    let started = false;
    try {
      await privateUploadDir(this.limits.uploadDir);
      await receiveUpload(req, file, {
        maxBytes: this.limits.maxUploadBytes,
        idleMs: this.limits.uploadIdleMs,
        deadlineMs: this.limits.uploadDeadlineMs,
        signal: lease.signal,
      });
      if (q.format === 'xlsx')
        await checkXlsxBounds(file, this.limits.maxInflatedBytes, this.limits.maxHeldPartBytes).catch((e: unknown) => {
          throw e instanceof XlsxRefusedError
            ? new UnprocessableEntityException({
                code: 'IMPORT.FILE_REFUSED',
                message: e.message,
                errors: [{ field: 'body', reason: e.message }],
              })
            : e;
        });
      const job = await this.imports
        .start({ actor: ctx.actor, correlationId: ctx.correlationId, kind, format: q.format, dryRun: q.dryRun ?? false, file, lease })
        .catch((e: unknown) => {
          throw e instanceof RosterHeaderRefusedError
            ? new UnprocessableEntityException({
                code: 'IMPORT.HEADER_REFUSED',
                message: e.message,
                errors: e.problems.map((p) => ({ field: p.column, reason: p.reason })),
              })
            : e;
        });
      started = true;
      return ImportJobResponse.of(job);
    } finally {
      if (!started) {
        lease.release();
        await unlink(file).catch(() => undefined);
      }
    }
  }

  /** Streams the file; the export's query ends and its connection goes back when the client leaves, stalls or the service stops. */
  private async export(kind: RosterKind, p: Principal, q: ExportQuery, res: Response): Promise<void> {
    const actor = actorOf(p);
    const rootId = q.subtreeOf ?? actor.orgId;
    if (!rootId)
      throw new ForbiddenException({ code: 'AUTH.OUT_OF_SCOPE', message: '令牌中没有所属组织 / the token names no organisation' });
    // The place under the limit first, as an import takes it: a refused download costs no connection
    // (a clean-clone run answered a fourth download 503, its organisation read waiting on a loaded pool).
    const lease = this.exportLimiter.acquire(p.sub);
    try {
      const root = await this.queries.execute(new GetOrganizationQuery(actor, rootId));
      const chunks = this.exports.chunks({
        kind,
        format: q.format,
        rootId: root.id,
        personal: p.roles.includes('admin') || p.roles.includes('organizer'),
      });
      res.setHeader('Content-Type', CONTENT_TYPE[q.format]);
      res.setHeader('Content-Disposition', `attachment; filename="${kind}-${root.code}.${q.format}"`);
      await streamBody(res, chunks, { signal: lease.signal, stallMs: this.limits.streamStallMs, maxMs: this.limits.exportMaxMs });
    } finally {
      lease.release();
    }
  }
}
