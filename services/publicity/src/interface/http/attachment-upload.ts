import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { MAX_ATTACHMENT_BYTES } from '../../domain/content/attachment';

/**
 * multer's limits on an attachment's body: the one part the route takes, `file`, at most
 * MAX_ATTACHMENT_BYTES (413 naming it). multer holds every text field whole in memory and had no
 * limit on them: forty fields of 1 MB beside a tiny PDF were kept. A text field, a second part or
 * a name longer than any the route knows is now refused (400 naming the limit) when it arrives;
 * multer reads the rest of the body to its end before answering, but keeps none of it.
 */
export const ATTACHMENT_PART_LIMITS = { fileSize: MAX_ATTACHMENT_BYTES, files: 1, parts: 1, fields: 0, fieldSize: 0, fieldNameSize: 100 };

/** The file and its frame: the part's headers (busboy takes at most 16 KiB of them) and the boundaries either side. */
export const MAX_ATTACHMENT_REQUEST_BYTES = MAX_ATTACHMENT_BYTES + 17 * 1024;

/**
 * A body declared larger than one file and its frame is 413 before a byte of it is read (as
 * libs/http's bodyDeadline does for JSON): multer would read it to its end, however long, before
 * answering. Listed before multer's interceptor; a chunked body meets multer's limits instead.
 */
export const declaredWithinUpload: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler) {
    const declared = Number(context.switchToHttp().getRequest<IncomingMessage>().headers['content-length']);
    if (declared > MAX_ATTACHMENT_REQUEST_BYTES)
      throw new PayloadTooLargeException({
        code: 'REQUEST.TOO_LARGE',
        message: `请求体超过上限 ${MAX_ATTACHMENT_REQUEST_BYTES} 字节 / the body exceeds the limit of ${MAX_ATTACHMENT_REQUEST_BYTES} bytes: one file of at most ${MAX_ATTACHMENT_BYTES}`,
        errors: [{ field: 'body', reason: `at most ${MAX_ATTACHMENT_REQUEST_BYTES} bytes` }],
      });
    return next.handle();
  },
};
