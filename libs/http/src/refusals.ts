import { SetMetadata, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { controllerMethods } from './openapi-validation-limits';

/**
 * The statuses whose codes are a route's own (its rules, its records, its limits): the document
 * lists each code a route answers with them (ADR 0156). 403 too: besides the role and scope every
 * signed-in route shares, a rule of the `forbidden` kind (not the pledger, not the level above) is
 * the route's own. The others (400, 401, 408, 413, 415, 503) are answered alike by every route and
 * described once, in problem-responses.ts.
 */
export const ROUTE_OWN_STATUSES = [403, 404, 409, 422, 429] as const;
export type RouteOwnStatus = (typeof ROUTE_OWN_STATUSES)[number];

/** A code, or a code and what it means: `MEMBER.ALREADY_FULL: already a full member`. */
export type Refusal = string;
type Refusals = Partial<Record<RouteOwnStatus, readonly Refusal[]>>;

const REFUSALS = 'vanguard:refusals';

/**
 * The refusals a route answers of its own, by status, in its OpenAPI operation: each code a
 * client may branch on, with its meaning where the code alone does not say it. Codes come from the
 * rules and records the route's handler reaches (`code` of a rule class, a not-found error's).
 * Metadata of our own, added by documentRefusals: as swagger's own response decorators they would
 * take away the success answer swagger gives a route that declares none.
 */
export const ApiRefusals = (refusals: Refusals): MethodDecorator => SetMetadata(REFUSALS, refusals);

/** Each route's ApiRefusals in its operation of `doc` (found by swagger's operationId), beside what the route's own decorators say of the status. */
export function documentRefusals(doc: OpenAPIObject, app: INestApplication): void {
  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(doc.paths))
    for (const op of [item.get, item.put, item.post, item.delete, item.patch, item.head])
      if (op?.operationId) operations.set(op.operationId, op);
  for (const { controller, proto, method } of controllerMethods(app)) {
    const handler = (proto as Record<string, unknown>)[method];
    const refusals = typeof handler === 'function' ? (Reflect.getMetadata(REFUSALS, handler) as Refusals | undefined) : undefined;
    const op = refusals && operations.get(`${controller.name}_${method}`);
    if (!op) continue;
    for (const [status, codes] of Object.entries(refusals) as [string, readonly Refusal[]][]) addRefusals(op, status, codes.join('; '));
  }
}

/**
 * `text` after what `op` already says of `status` (a route's own decorator, its ApiRefusals), or
 * alone, as a Problem answer. A shared response (`$ref`) is left as it is.
 */
export function addRefusals(op: OperationObject, status: string, text: string): void {
  const own = op.responses[status];
  if (own && '$ref' in own) return;
  op.responses[status] = {
    ...own,
    description: own?.description ? `${own.description}; ${text}` : text,
    content: own?.content ?? { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}
