import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BadRequestException,
  Controller,
  HttpCode,
  Inject,
  type OnApplicationBootstrap,
  Optional,
  Post,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '@vanguard/auth';
import { allowBodiesLastingOnceServing, ApiRefusals, receiveUpload, type ConcurrencyLimiter } from '@vanguard/http';
import {
  extractMultipartFile,
  isMultipart,
  openSheet,
  privateUploadDir,
  sniffSheetFormat,
  SheetRefusedError,
  unknownColumns,
} from '@vanguard/spreadsheet';
import type { CommandContext } from '../../application/ports/context.port';
import { ProjectHandlers } from '../../application/use-cases/projects.use-cases';
import { PROJECT_IMPORT_LIMITER, PROJECT_IMPORT_LIMITS, type ProjectImportLimits } from '../../import-limits.config';
import { ASSISTANCE_WRITE_ROLES } from './access';
import { missingColumns, PROJECT_COLUMNS, readProjectRows, refusedRow, type ImportRowError } from './project-import.rows';
import { CommandCtx } from './request-context';

const BINARY = { type: 'string', format: 'binary' } as const;

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectImportHttpController implements OnApplicationBootstrap {
  constructor(
    private readonly projects: ProjectHandlers,
    @Inject(PROJECT_IMPORT_LIMITS) private readonly limits: ProjectImportLimits,
    @Inject(PROJECT_IMPORT_LIMITER) private readonly limiter: ConcurrencyLimiter,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** An upload may take its whole deadline: Node must not cut it first. */
  onApplicationBootstrap(): void {
    allowBodiesLastingOnceServing(this.adapterHost, this.limits.uploadDeadlineMs);
  }

  /**
   * All or nothing: every row is checked and decided, and the projects are planned only if no
   * row was refused (one transaction), so a corrected file can simply be sent again.
   */
  @Post('import')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @HttpCode(201)
  @ApiConsumes(
    'multipart/form-data',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
  )
  @ApiOperation({
    summary:
      '导入帮扶项目清单 / import a project list (.xlsx or UTF-8 .csv: the first file of a multipart form, or the body itself; each row names its village by village_id or by village_code, its organisation code): all rows planned, or 422 with every bad row (row, column, reason)',
  })
  // One schema serves every media type listed above (Swagger cannot tell them apart), so it names both ways a file comes.
  @ApiBody({
    description: 'the sheet itself as the body, its format told by its bytes; or a multipart form, whose first file part is read',
    schema: {
      oneOf: [
        { ...BINARY, title: 'the file itself' },
        { type: 'object', title: 'a multipart form', description: 'its first file part, under any name', properties: { file: BINARY } },
      ],
    },
  })
  @ApiCreatedResponse({
    description: 'every row planned, in one transaction',
    schema: {
      type: 'object',
      required: ['imported', 'projectIds'],
      properties: { imported: { type: 'integer' }, projectIds: { type: 'array', items: { type: 'string', format: 'uuid' } } },
    },
  })
  @ApiRefusals({
    422: ['IMPORT.ROWS_REFUSED: rows were refused (errors lists each: row, column, reason); no project was imported'],
    429: ['LIMIT.TOO_MANY: too many imports at once, yours or in all; Retry-After says when to come back'],
  })
  async import(@CommandCtx() ctx: CommandContext, @Req() req: Request): Promise<{ imported: number; projectIds: string[] }> {
    // A place under the limit before a byte is read: 429 with Retry-After past it.
    const lease = this.limiter.acquire(ctx.actor.sub);
    const file = join(this.limits.uploadDir, `vanguard-project-import-${randomUUID()}`);
    const body = `${file}.body`;
    try {
      await privateUploadDir(this.limits.uploadDir);
      const multipart = isMultipart(req.headers['content-type']);
      await receiveUpload(req, multipart ? body : file, {
        maxBytes: this.limits.maxUploadBytes,
        idleMs: this.limits.uploadIdleMs,
        deadlineMs: this.limits.uploadDeadlineMs,
        signal: lease.signal,
      });
      if (multipart) await refusedAs400(extractMultipartFile(body, req.headers['content-type']!, file));
      const { rows, errors, villageColumns } = await this.read(file, lease.signal);
      if (errors.length) throw rowsRefused(errors);
      const { planned, refused } = await this.projects.planAll(ctx, rows);
      if (refused.length) throw rowsRefused(refused.map((r) => refusedRow(r.row, r.error, villageColumns)));
      return { imported: planned.length, projectIds: planned };
    } finally {
      lease.release();
      await unlink(file).catch(() => undefined);
      await unlink(body).catch(() => undefined);
    }
  }

  /** The format by content, the shared bounds, formulas refused; the rows checked as `POST /projects` checks a body. */
  private read(file: string, signal: AbortSignal): Promise<Awaited<ReturnType<typeof readProjectRows>>> {
    return refusedAs400(
      (async () => {
        const format = await sniffSheetFormat(file);
        const source = await openSheet(file, format, this.limits, signal, { refuseFormulas: true });
        try {
          const missing = missingColumns(source.header);
          // `a|b`: one of the two (the village by id or by code).
          if (missing.length)
            throw new SheetRefusedError(
              `表头缺少列 ${missing.map((m) => m.replace('|', ' 或 ')).join('、')} / the header lacks the columns ${missing.map((m) => m.replace('|', ' or ')).join(', ')}`,
              1,
              missing[0],
            );
          // A column the format does not know is never skipped (`pairing-id` would plan every project unpaired).
          const unknown = unknownColumns(source.header, Object.keys(PROJECT_COLUMNS));
          if (unknown.length) throw new SheetRefusedError(unknown.map((u) => u.reason).join('；'), 1, unknown[0]!.column);
          return await readProjectRows(source);
        } finally {
          await source.close();
        }
      })(),
    );
  }
}

/** A file the shared reader refused (format, bounds, formula, multipart): 400 with its row and column. */
async function refusedAs400<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof SheetRefusedError)) throw e;
    throw new BadRequestException({
      code: 'IMPORT.FILE_REFUSED',
      message: e.message,
      errors: [{ row: e.row, column: e.column ?? 'file', field: e.column ?? 'file', reason: e.message }],
    });
  }
}

function rowsRefused(errors: ImportRowError[]): UnprocessableEntityException {
  return new UnprocessableEntityException({
    code: 'IMPORT.ROWS_REFUSED',
    message: `有 ${new Set(errors.map((e) => e.row)).size} 行未通过检查，未导入任何项目 / rows were refused, no project was imported`,
    errors,
  });
}
