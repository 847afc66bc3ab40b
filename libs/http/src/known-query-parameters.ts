import { BadRequestException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Reflector } from '@nestjs/core';
import { PUBLIC_KEY } from '@vanguard/auth';
import { StorableTextPipe } from './storable-text';

/** The query parameters a route takes: any (a `@Query()` object, judged by its DTO), or these names. */
type Taken = 'any' | ReadonlySet<string>;

/** Where `@ApiQuery(...)` (@nestjs/swagger) keeps a route's parameters; the unit spec pins the key. */
export const API_PARAMETERS = 'swagger/apiParameters';

const takenByHandler = new WeakMap<object, Taken>();
const STORABLE_TEXT = new StorableTextPipe();

/**
 * What a handler declares: `@Query('name')`, and the `@ApiQuery` names of a route that reads its
 * query itself (audit's `AuditParams`). A bare `@Query()` takes whatever its DTO's whitelisting lets by.
 */
export function queryParametersTaken(controller: object, handler: { readonly name: string }): Taken {
  const known = takenByHandler.get(handler);
  if (known) return known;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, { data?: unknown }>;
  const names = new Set<string>();
  let taken: Taken = names;
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    if (typeof arg.data === 'string') names.add(arg.data);
    else taken = 'any';
  }
  const documented = (Reflect.getMetadata(API_PARAMETERS, handler) ?? []) as { in?: string; name?: string }[];
  for (const p of documented) if (p.in === 'query' && typeof p.name === 'string') names.add(p.name);
  takenByHandler.set(handler, taken);
  return taken;
}

/**
 * A signed-in caller's parameter the route does not take answers 400 naming it, as a query DTO's
 * whitelisting already did: `GET /members/:id?asOf=2020-01-01` answered today's record, and a
 * misspelt filter its unfiltered answer, both read as if the parameter had applied.
 *
 * Public routes are left alone: their links are shared through apps that append their own
 * parameters (`?from=singlemessage`), and a page must open all the same. A guard the app adds,
 * so after the modules' (the token's: a caller without one is told so first, 401) and before
 * every interceptor (a refused request claims no idempotency key).
 */
export class KnownQueryParametersGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
    const sent = Object.keys(query);
    if (sent.length === 0) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const taken = queryParametersTaken(context.getClass(), context.getHandler());
    const other = taken === 'any' ? undefined : sent.find((name) => !taken.has(name));
    if (other === undefined) return true;
    // Text Postgres cannot store is named by the platform's one text check, as on a DTO's route.
    STORABLE_TEXT.transform(query, { type: 'query', data: undefined, metatype: Object });
    // Named as sent, but bounded and without control characters: the answer echoes it.
    const named = other === '' ? '(empty)' : other.replace(/[\p{Cc}\p{Cf}]/gu, '?').slice(0, 64);
    const takes = taken === 'any' || taken.size === 0 ? 'none' : [...taken].join(', ');
    throw new BadRequestException({
      code: 'REQUEST.INVALID',
      message: `请求参数有误 / invalid request: ${named}: 此接口不接受该参数 / this route takes no parameter ${named}; it takes ${takes}`,
      errors: [{ field: named, reason: `此接口不接受该参数 / this route takes no parameter ${named}; it takes ${takes}` }],
    });
  }
}
