import { BadRequestException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** Deeper than any request of these routes nests (a finding inside a list inside the body is 3). */
export const MAX_BODY_DEPTH = 16;

export interface ShapeProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * What the DTO pipes cannot be trusted with in a parsed body or query, or undefined: a `"__proto__"`
 * field (JSON.parse keeps it as a field; turning the body into its DTO drops it at the top and,
 * inside a nested DTO, makes it that DTO's prototype, so whitelisting never sees it and fields the DTO
 * leaves out are read from the caller's object), or nesting deeper than `MAX_BODY_DEPTH` (the
 * transformer recurses per level and overflowed the stack at 5,000 levels: a 500). Iterative, so the
 * check cannot overflow itself.
 */
export function bodyShapeProblem(value: unknown): ShapeProblem | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_BODY_DEPTH) return { field: path, reason: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      const field = path ? `${path}.__proto__` : '__proto__';
      return { field, reason: `property ${field} should not exist` };
    }
    for (const [key, item] of Object.entries(v))
      stack.push([item, Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1]);
  }
  return undefined;
}

/** Refuses, before any pipe runs, a body or query whose shape `bodyShapeProblem` finds wrong: 400 naming the field. */
@Injectable()
export class BodyShapeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown }>();
    const problem = bodyShapeProblem(req.body) ?? bodyShapeProblem(req.query);
    if (problem) {
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${problem.field}: ${problem.reason}`,
        errors: [problem],
      });
    }
    return next.handle();
  }
}
