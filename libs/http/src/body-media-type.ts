import { type CallHandler, type ExecutionContext, HttpException, HttpStatus, type NestInterceptor } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Observable } from 'rxjs';

/**
 * Where `@ApiConsumes(...)` (@nestjs/swagger) keeps a route's media types. Read here so the
 * OpenAPI document and what the route accepts are one list; the unit spec pins the key.
 */
export const API_CONSUMES = 'swagger/apiConsumes';

// Only what Express's JSON parser reads: `application/*+json` reaches a handler unread.
const JSON_TYPE = 'application/json';

/** The media type without its parameters, lower-cased: `text/csv; charset=utf-8` → `text/csv`. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * A body in a media type the route does not take answers 415 naming `content-type`. Without this,
 * Express reads only JSON and forms: a JSON route sent `text/plain` validated an empty object and
 * answered 400 "field missing" for fields the client did send, and a form body was validated as if
 * it were JSON. A route takes JSON unless `@ApiConsumes` lists its types (the uploads).
 */
export class BodyMediaTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    if (!hasBody(req)) return next.handle();
    const declared = this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [context.getHandler(), context.getClass()]);
    const type = mediaTypeOf(req.headers['content-type']);
    const accepted = declared?.map(mediaTypeOf);
    if (accepted ? accepted.includes(type) : type === JSON_TYPE) return next.handle();
    throw unsupportedMediaType(req.headers['content-type'] ?? '(none)', accepted ?? [JSON_TYPE]);
  }
}

function unsupportedMediaType(sent: string, accepted: readonly string[]): HttpException {
  // The header is the client's text: cut, so a hostile one does not fill the answer or the log.
  const shown = sent.length > 100 ? `${sent.slice(0, 100)}…` : sent;
  return new HttpException(
    {
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      message: `请求内容类型 ${shown} 不受支持，应为 ${accepted.join(', ')} / this route takes ${accepted.join(', ')}, not ${shown}`,
      errors: [{ field: 'content-type', reason: `must be one of ${accepted.join(', ')}` }],
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}
