import { ParseUUIDPipe, type INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { applyLimits, controllerMethods, isDto, limitsByProperty, statedOptions, type Class } from './openapi-validation-limits';

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

interface HandlerParameters {
  /** `@Query()` DTOs: swagger expands their properties into parameters, which the components' limits never reach. */
  readonly queries: Class[];
  /** `@Param(name, …)` checked by a `ParseUUIDPipe` (uuidParam), a pipe swagger does not read. */
  readonly uuidPaths: Set<string>;
}

const isUuidPipe = (pipe: unknown): boolean => pipe === ParseUUIDPipe || pipe instanceof ParseUUIDPipe;

/** Each handler's query DTOs and UUID path parameters, by swagger's default operationId (`Controller_method`). */
function parametersByOperation(app: INestApplication): Map<string, HandlerParameters> {
  const found = new Map<string, HandlerParameters>();
  for (const { controller, proto, method } of controllerMethods(app)) {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, proto.constructor, method) ?? {}) as Record<string, RouteArgument>;
    const types = (Reflect.getMetadata('design:paramtypes', proto, method) as unknown[] | undefined) ?? [];
    const handler: HandlerParameters = { queries: [], uuidPaths: new Set() };
    for (const [key, arg] of Object.entries(args)) {
      const kind = key.split(':')[0];
      const type = types[arg.index];
      if (kind === String(RouteParamtypes.QUERY) && arg.data === undefined && isDto(type)) handler.queries.push(type);
      if (kind === String(RouteParamtypes.PARAM) && typeof arg.data === 'string' && (arg.pipes ?? []).some(isUuidPipe))
        handler.uuidPaths.add(arg.data);
    }
    const operationId = `${controller.name}_${method}`;
    if (!found.has(operationId)) found.set(operationId, handler);
  }
  return found;
}

const isSchema = (schema: SchemaObject | ReferenceObject | undefined): schema is SchemaObject => !!schema && !('$ref' in schema);

/**
 * Adds to `doc`'s query and path parameters what their checks enforce, as documentValidationLimits
 * does for bodies (ADR 0145): a query DTO's validators, and `format: uuid` where a pipe checks it.
 * What a route's own @ApiQuery or @ApiParam stated is kept.
 */
export function documentParameterLimits(doc: OpenAPIObject, app: INestApplication): void {
  const handlers = parametersByOperation(app);
  for (const item of Object.values(doc.paths))
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch, item.head]) {
      const handler = operation?.operationId ? handlers.get(operation.operationId) : undefined;
      if (!handler) continue;
      for (const parameter of (operation!.parameters ?? []) as ParameterObject[]) {
        const schema = parameter.schema;
        if (!isSchema(schema)) continue;
        if (parameter.in === 'path' && handler.uuidPaths.has(parameter.name)) applyLimits(schema, { format: 'uuid' });
        if (parameter.in !== 'query') continue;
        for (const cls of handler.queries) {
          const limits = limitsByProperty(cls).find(([property]) => property === parameter.name)?.[1];
          if (!limits) continue;
          applyLimits(schema, limits.value, statedOptions(cls, parameter.name)?.type);
          if (schema.type === 'array' && isSchema(schema.items)) applyLimits(schema.items, limits.items);
        }
      }
    }
}
