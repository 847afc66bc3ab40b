import { BadRequestException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** The path of the first `"__proto__"` field inside a parsed body or query, or undefined. */
export function prototypeKeyAt(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '__proto__')) return path ? `${path}.__proto__` : '__proto__';
    for (const [key, item] of Object.entries(v)) stack.push([item, Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key]);
  }
  return undefined;
}

/**
 * JSON.parse keeps a `"__proto__"` key as a field, and turning the body into its DTO does not add it:
 * at the top it is dropped, inside a nested DTO it replaces that DTO's prototype, so fields the DTO
 * leaves out are read from the caller's object. Whitelisting never sees it either way, so a body
 * with it was accepted (201). Read before the pipes, on the body as parsed, and refused like any
 * unknown field.
 */
@Injectable()
export class PrototypeKeyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown }>();
    const field = prototypeKeyAt(req.body) ?? prototypeKeyAt(req.query);
    if (field !== undefined) {
      const reason = `property ${field} should not exist`;
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${field}: ${reason}`,
        errors: [{ field, reason }],
      });
    }
    return next.handle();
  }
}
