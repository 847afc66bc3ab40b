import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  type OnApplicationBootstrap,
  Optional,
  Param,
  Post,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  type ApiBodyOptions,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals, allowBodiesLastingOnceServing, bodyClock, uuidParam } from '@vanguard/http';
import type { ListedAttachment, StoredAttachment } from '../../application/attachment-store.port';
import { AttachmentsService } from '../../application/attachments.service';
import { MAX_ATTACHMENTS_PER_OWNER, MAX_ATTACHMENT_BYTES } from '../../domain/content/attachment';
import { ATTACHMENT_PART_LIMITS, declaredWithinUpload } from './attachment-upload';

/** What multer hands over for one file part (no @types/multer in the repo). */
interface UploadedPart {
  readonly buffer: Buffer;
  readonly mimetype: string;
  readonly size: number;
}

const EDITORS = ['editor', 'admin'] as const;
const LISTED = `[{ id, contentType, size, sha256, uploadedAt }], oldest first, all the owner holds (at most ${MAX_ATTACHMENTS_PER_OWNER} under the cap, so not paged); no bytes`;
// multer stops reading at the limit and Nest answers 413, so an oversize upload is never held whole.
const upload = FileInterceptor('file', { limits: ATTACHMENT_PART_LIMITS });
/**
 * How long an attachment's body may take: 5 MiB at about 360 kbit/s. multer keeps no clock of its
 * own: `bodyClock` runs while it reads (408 naming the limit), and Node's request timeout is raised
 * past it so it is the clock that answers.
 */
export const ATTACHMENT_UPLOAD_MS = 120_000;
const attachmentClock = bodyClock(ATTACHMENT_UPLOAD_MS);
/** The one part multer reads (`upload` above). */
const FILE_PART: ApiBodyOptions = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
};
const STORED = '{ id, ownerKind, ownerId, contentType, size, sha256 }: the type is what the bytes showed';
/** The types an attachment's bytes may show (domain/content/attachment.ts); a download is answered in its own. */
const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsHttpController implements OnApplicationBootstrap {
  constructor(
    private readonly attachments: AttachmentsService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    allowBodiesLastingOnceServing(this.adapterHost, ATTACHMENT_UPLOAD_MS);
  }

  @Post('articles/:id/attachments')
  @Roles(...EDITORS)
  @UseInterceptors(declaredWithinUpload, attachmentClock, upload)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_PART)
  @ApiCreatedResponse({ description: STORED })
  @ApiPayloadTooLargeResponse({ description: `larger than ${MAX_ATTACHMENT_BYTES} bytes` })
  @ApiOperation({ summary: '稿件附件 / attach a PDF, PNG or JPEG (checked by its bytes) to a draft' })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown or outside your scope'],
    422: [
      'ATTACHMENT.ARTICLE_NOT_DRAFT: an article in review or published takes none',
      `ATTACHMENT.TOO_MANY: it holds ${MAX_ATTACHMENTS_PER_OWNER} already`,
    ],
  })
  toArticle(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @UploadedFile() file: UploadedPart | undefined,
  ): Promise<StoredAttachment> {
    return this.attachments.upload(p, 'article', id, fileOf(file).buffer, file!.mimetype);
  }

  @Post('exemplars/:id/attachments')
  @Roles(...EDITORS)
  @UseInterceptors(declaredWithinUpload, attachmentClock, upload)
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_PART)
  @ApiCreatedResponse({ description: STORED })
  @ApiPayloadTooLargeResponse({ description: `larger than ${MAX_ATTACHMENT_BYTES} bytes` })
  @ApiOperation({ summary: '典型附件 / attach a PDF, PNG or JPEG (checked by its bytes) to an exemplar proposed or on the roll' })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown or outside your scope'],
    422: [
      'ATTACHMENT.OWNER_CLOSED: a withdrawn or declined exemplar takes none',
      `ATTACHMENT.TOO_MANY: it holds ${MAX_ATTACHMENTS_PER_OWNER} already`,
    ],
  })
  toExemplar(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @UploadedFile() file: UploadedPart | undefined,
  ): Promise<StoredAttachment> {
    return this.attachments.upload(p, 'exemplar', id, fileOf(file).buffer, file!.mimetype);
  }

  // Read as a download is: the roles that download (an organiser reads articles, never their files),
  // the owner in scope, and no copy kept anywhere (Cache-Control as for the bytes). The list is a
  // resource of its own: the owner's representation and its ETag do not include it (ADR 0128).
  @Get('articles/:id/attachments')
  @Roles(...EDITORS)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '稿件附件列表 / the attachments of an article in your scope, to download or remove one' })
  @ApiOkResponse({ description: LISTED })
  @ApiRefusals({ 404: ['ARTICLE.NOT_FOUND: unknown or outside your scope, the same answer for each'] })
  ofArticle(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ListedAttachment[]> {
    return this.attachments.list(p, 'article', id);
  }

  @Get('exemplars/:id/attachments')
  @Roles(...EDITORS)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '典型附件列表 / the attachments of an exemplar in your scope, to download or remove one' })
  @ApiOkResponse({ description: LISTED })
  @ApiRefusals({ 404: ['EXEMPLAR.NOT_FOUND: unknown or outside your scope, the same answer for each'] })
  ofExemplar(@CurrentPrincipal() p: Principal, @Param('id', uuidParam('id')) id: string): Promise<ListedAttachment[]> {
    return this.attachments.list(p, 'exemplar', id);
  }

  @Delete('articles/:id/attachments/:attachmentId')
  @Roles(...EDITORS)
  @HttpCode(204)
  @ApiOperation({
    summary: `删除稿件附件 / remove an attachment from a draft: its place under the cap of ${MAX_ATTACHMENTS_PER_OWNER} is free again`,
  })
  @ApiNoContentResponse({ description: 'removed; a download of it is 404 from now on' })
  @ApiRefusals({
    404: ['ARTICLE.NOT_FOUND: unknown or outside your scope', 'ATTACHMENT.NOT_FOUND: not this article’s, or removed already'],
    422: ['ATTACHMENT.ARTICLE_NOT_DRAFT: an article in review or published keeps its attachments'],
  })
  async fromArticle(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('attachmentId', uuidParam('attachmentId')) attachmentId: string,
  ): Promise<void> {
    await this.attachments.remove(p, 'article', id, attachmentId);
  }

  @Delete('exemplars/:id/attachments/:attachmentId')
  @Roles(...EDITORS)
  @HttpCode(204)
  @ApiOperation({
    summary: `删除典型附件 / remove an attachment from an exemplar: its place under the cap of ${MAX_ATTACHMENTS_PER_OWNER} is free again`,
  })
  @ApiNoContentResponse({ description: 'removed; a download of it is 404 from now on' })
  @ApiRefusals({
    404: ['EXEMPLAR.NOT_FOUND: unknown or outside your scope', 'ATTACHMENT.NOT_FOUND: not this exemplar’s, or removed already'],
    422: ['ATTACHMENT.OWNER_CLOSED: a withdrawn or declined exemplar keeps its attachments'],
  })
  async fromExemplar(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Param('attachmentId', uuidParam('attachmentId')) attachmentId: string,
  ): Promise<void> {
    await this.attachments.remove(p, 'exemplar', id, attachmentId);
  }

  @Get('attachments/:id')
  @Roles(...EDITORS)
  @ApiOperation({ summary: '下载附件 / download an attachment of an article or exemplar in your scope' })
  @ApiOkResponse({
    description: 'the bytes, as an attachment named by its id',
    content: Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  })
  @ApiRefusals({ 404: ['ATTACHMENT.NOT_FOUND: unknown, removed, or its owner outside your scope (the same answer for each)'] })
  async download(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const a = await this.attachments.download(p, id);
    // The stored type is what the bytes showed; nosniff and attachment keep a browser from reading it as anything else.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `attachment; filename="${a.id}"`);
    // No attachment is public: the honour roll links none, and every download needs an editor's
    // token and scope. A shared cache or the browser's disk must not keep a copy another user
    // could be served, nor one that outlives the editor's access.
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(a.bytes, { type: a.contentType, length: a.size });
  }
}

function fileOf(file: UploadedPart | undefined): UploadedPart {
  if (!file)
    throw new BadRequestException({
      code: 'REQUEST.INVALID',
      message: '请求参数有误 / invalid request: file: a multipart field "file" is required',
      errors: [{ field: 'file', reason: '缺少文件字段 file / a multipart field "file" is required' }],
    });
  return file;
}
