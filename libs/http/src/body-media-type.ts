import { type CanActivate, type ExecutionContext, HttpException, HttpStatus } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';

/** Where `@ApiConsumes(...)` (@nestjs/swagger) keeps a route's media types; the unit spec pins the key. */
export const API_CONSUMES = 'swagger/apiConsumes';

/** What Express's body parsers read into `@Body()` (so what bodyDeadline times): anything else reaches a DTO as an empty object. */
export const PARSED_BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

/**
 * What a route's `@Body()` may be sent as: what every OpenAPI document lists. The form parser
 * still reads a form (under the body deadline), but no client sends one (the ballot page posts
 * JSON) and no document said so: a hostile probe's form was validated as if it were documented.
 */
export const ACCEPTED_BODY_TYPES = ['application/json'] as const;

/** The media type without its parameters, lower-cased: `text/csv; charset=utf-8` → `text/csv`. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A body is there when its length says so, or when a chunked one names its type: an empty chunked
 * request without a type (some streaming clients send one to routes that read nothing) is not one.
 */
export function hasBody(req: IncomingMessage): boolean {
  if (Number(req.headers['content-length'] ?? 0) > 0) return true;
  return req.headers['transfer-encoding'] !== undefined && req.headers['content-type'] !== undefined;
}

/**
 * A body the app's parsers cannot read answers 415 naming `content-type`. Before, a JSON route sent
 * `text/plain` validated an empty object and answered 400 "field missing" for fields the client had
 * sent. Routes that read their body themselves — the uploads, which list their types with
 * `@ApiConsumes` and tell a file by its bytes, not its label — are left to their reader.
 *
 * A guard, not an interceptor: the module's interceptors (idempotency keys) run after every guard,
 * so a body refused here never claims a key.
 */
export class BodyMediaTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    if (!hasBody(req)) return true;
    if (this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [context.getHandler(), context.getClass()])) return true;
    if ((ACCEPTED_BODY_TYPES as readonly string[]).includes(mediaTypeOf(req.headers['content-type']))) return true;
    throw unsupportedMediaType(req.headers['content-type'] ?? '(none)');
  }
}

function unsupportedMediaType(sent: string): HttpException {
  // The header is the client's text: cut, so a hostile one does not fill the answer or the log.
  const shown = sent.length > 100 ? `${sent.slice(0, 100)}…` : sent;
  const accepted = ACCEPTED_BODY_TYPES.join(', ');
  return new HttpException(
    {
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      message: `请求内容类型 ${shown} 不受支持，应为 ${accepted} / this route takes ${accepted}, not ${shown}`,
      errors: [{ field: 'content-type', reason: `must be one of ${accepted}` }],
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}
