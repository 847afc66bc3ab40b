import { BadRequestException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/** Deeper than any request of these routes nests (a finding inside a list inside the body is 3). */
export const MAX_BODY_DEPTH = 16;

export interface ShapeProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Where a parsed body or query nests deeper than `MAX_BODY_DEPTH`, or undefined. The DTO transformer
 * recurses once per level and overflowed the stack on a 5,000-level body: a 500. Iterative, so the
 * check cannot overflow itself. (A `"__proto__"` field is the shared text pipe's refusal, libs/http.)
 */
export function bodyShapeProblem(value: unknown): ShapeProblem | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_BODY_DEPTH) return { field: path, reason: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    for (const [key, item] of Object.entries(v))
      stack.push([item, Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1]);
  }
  return undefined;
}

/**
 * Refuses, before any pipe runs, a body or query nested too deep: 400 naming the field. Pipes are too
 * late — the global ones run first, and the validation pipe is where the stack overflowed.
 */
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
