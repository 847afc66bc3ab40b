import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';

// swc builds the services, so @nestjs/swagger's CLI plugin never reads the validators: a schema
// knew only what @ApiProperty repeated. This copies the limits the ValidationPipe enforces into
// the components (ADR 0145). What a DTO states in @ApiProperty is kept as stated.

type Schema = SchemaObject | ReferenceObject;
/** A DTO class, as class-validator and swagger key their metadata. */
export type Class = abstract new (...args: never[]) => unknown;
/** class-validator keeps its ValidationMetadata type out of its index. */
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Bound = 'maxLength' | 'minLength' | 'minimum' | 'maximum' | 'maxItems' | 'minItems';
type Limits = Partial<Pick<SchemaObject, Bound | 'pattern' | 'enum' | 'format' | 'uniqueItems'>> & { integer?: true };

const tighter = (pick: (a: number, b: number) => number) => (held: number | undefined, next: number) =>
  held === undefined ? next : pick(held, next);

/**
 * Validators whose first constraint is a bound, by class-validator's name: the keyword it sets and,
 * when a field has two, which one holds. `maxCodePoints` (evaluation's ballot comment) counts code
 * points, as JSON Schema's maxLength does; mapped when it carries its number among its constraints.
 */
const BOUNDS: Record<string, [Bound, (held: number | undefined, next: number) => number]> = {
  maxLength: ['maxLength', tighter(Math.min)],
  maxCodePoints: ['maxLength', tighter(Math.min)],
  minLength: ['minLength', tighter(Math.max)],
  max: ['maximum', tighter(Math.min)],
  min: ['minimum', tighter(Math.max)],
  arrayMaxSize: ['maxItems', tighter(Math.min)],
  arrayMinSize: ['minItems', tighter(Math.max)],
};

/** A `@Matches` regex as JSON Schema can say it: its source, when no flag changes what it matches (`u` only adds \p{…}). */
function patternOf(meta: ValidationMetadata): string | undefined {
  const [pattern, modifiers] = meta.constraints as [RegExp | string, string | undefined];
  const [source, flags] = pattern instanceof RegExp ? [pattern.source, pattern.flags] : [pattern, modifiers ?? ''];
  return /^u?$/.test(flags) ? source : undefined;
}

/**
 * What one validator says of a value, by class-validator's name for it. Of this codebase's own
 * decorators (ValidateBy): `isDay` is an RFC 3339 full-date (a calendar day) → format date;
 * `isNotBlank` needs at least one character → minLength 1 (true, not the whole rule).
 * `isUuid` is class-validator's own name, so our `IsUuid` (lower-casing `IsUUID`) is mapped too;
 * `IsPlainText` is a `matches`. `arrayUnique` → uniqueItems: unique by a key is unique as a whole.
 * Cross-field and content checks (isDayNotBefore, bySector, noPersonalNumbers) say nothing a
 * schema keyword can; they and every other name are left out.
 */
function addLimit(limits: Limits, meta: ValidationMetadata): void {
  const [first] = (meta.constraints ?? []) as unknown[];
  const bound = BOUNDS[meta.name ?? ''];
  if (bound) {
    const [keyword, holds] = bound;
    if (typeof first === 'number') limits[keyword] = holds(limits[keyword], first);
    return;
  }
  switch (meta.name) {
    case 'isNotBlank':
      limits.minLength = tighter(Math.max)(limits.minLength, 1);
      return;
    case 'matches':
      // JSON Schema holds one pattern: the first stated; the others are still the server's to check.
      limits.pattern ??= patternOf(meta);
      return;
    case 'isIn':
      if (Array.isArray(first)) limits.enum ??= [...(first as unknown[])];
      return;
    case 'isInt':
      limits.integer = true;
      return;
    case 'arrayUnique':
      limits.uniqueItems = true;
      return;
    case 'isUuid':
      limits.format = 'uuid';
      return;
    case 'isDay':
      limits.format = 'date';
      return;
  }
}

/** The limits of one property's validators: on the value itself, and (`each: true`) on each item of it. */
function limitsOf(metas: readonly ValidationMetadata[]): { value: Limits; items: Limits } {
  const value: Limits = {};
  const items: Limits = {};
  for (const meta of metas) addLimit(meta.each ? items : value, meta);
  return { value, items };
}

const KEYWORDS_BY_TYPE: Record<string, readonly (keyof Limits)[]> = {
  string: ['maxLength', 'minLength', 'pattern', 'enum', 'format'],
  number: ['minimum', 'maximum', 'enum', 'integer'],
  integer: ['minimum', 'maximum', 'enum'],
  array: ['maxItems', 'minItems', 'uniqueItems'],
};

/** An enum of values of the schema's own type: `@IsIn([1, 2])` on a text would say no value fits. */
const fitsType = (type: string, values: unknown[]) => values.every((v) => typeof v === (type === 'string' ? 'string' : 'number'));

/**
 * Writes `limits` into `schema`, each only where the schema's type takes it and the schema does
 * not already say it: what @ApiProperty stated wins. A `$ref` (or `allOf`) is left alone, since
 * OpenAPI 3.0 ignores a reference's siblings. `integer` narrows swagger's `number`, which it
 * infers from TypeScript's type unless the DTO wrote the string `'number'` (`statedType`).
 */
export function applyLimits(schema: Schema, limits: Limits, statedType?: unknown): void {
  if ('$ref' in schema || schema.allOf || typeof schema.type !== 'string') return;
  const target = schema as Record<string, unknown>;
  for (const keyword of KEYWORDS_BY_TYPE[schema.type] ?? []) {
    const limit = limits[keyword];
    if (limit === undefined || (keyword === 'enum' && !fitsType(schema.type, limit as unknown[]))) continue;
    if (keyword === 'integer') {
      if (statedType !== 'number') schema.type = 'integer';
    } else if (target[keyword] === undefined) target[keyword] = limit;
  }
}

type PropertyLimits = [property: string, limits: ReturnType<typeof limitsOf>][];

/** Each property's limits by `cls`'s validators, its parents' included, as the ValidationPipe runs them (no groups). */
export function limitsByProperty(cls: Class): PropertyLimits {
  const storage = getMetadataStorage();
  const byProperty = storage.groupByPropertyName(storage.getTargetValidationMetadatas(cls, '', false, false));
  return Object.entries(byProperty).map(([property, metas]) => [property, limitsOf(metas)]);
}

/** The names @ApiProperty gave `cls` (its parents' included): the properties swagger put in its schema. */
const documentedProperties = (cls: Class): string[] =>
  ((Reflect.getMetadata('swagger/apiModelPropertiesArray', cls.prototype as object) as string[] | undefined) ?? []).map((key) =>
    key.slice(1),
  );

/** What @ApiProperty itself said of `property` (undefined type: swagger inferred it). */
export const statedOptions = (cls: Class, property: string): { type?: unknown } | undefined =>
  Reflect.getMetadata('swagger/apiModelProperties', cls.prototype as object, property) as { type?: unknown } | undefined;

/**
 * Every class with validators of its own. class-validator lists them nowhere public: its storage
 * keeps them in a private map keyed by class (0.15; an array of metadatas before). The unit spec
 * fails should that change.
 */
function validatedClasses(): Class[] {
  const held = (getMetadataStorage() as unknown as { validationMetadatas?: Map<unknown, unknown> | { target: unknown }[] })
    .validationMetadatas;
  const targets = held instanceof Map ? [...held.keys()] : (held ?? []).map((meta) => meta.target);
  return [...new Set(targets)].filter((target): target is Class => typeof target === 'function');
}

interface ControllerModules {
  getModules(): Map<string, { controllers: Map<unknown, { metatype: Class | null }> }>;
}

/** A route handler of one of `app`'s controllers: the routed class (its name is swagger's operationId prefix) and where the method is defined. */
export interface ControllerMethod {
  readonly controller: Class;
  readonly proto: object;
  readonly method: string;
}

/** Every method of `app`'s controllers, inherited ones with the prototype defining them. Read from Nest's container, as SwaggerModule itself reads the routes. */
export function* controllerMethods(app: INestApplication): Generator<ControllerMethod> {
  const { container } = app as unknown as { container: ControllerModules };
  for (const module of container.getModules().values())
    for (const { metatype } of module.controllers.values())
      for (
        let proto = metatype?.prototype as object | null;
        metatype && proto && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto) as object | null
      )
        for (const method of Object.getOwnPropertyNames(proto)) yield { controller: metatype, proto, method };
}

/**
 * The classes `app`'s route handlers take (bodies, queries): the app's own request DTOs, among
 * them a subclass that only inherits its validators (`AmendPledgeRequest extends
 * PledgeContentDto {}`), which the storage has no entry for.
 */
export function handlerParameterClasses(app: INestApplication): Set<Class> {
  const found = new Set<Class>();
  for (const { proto, method } of controllerMethods(app))
    for (const type of (Reflect.getMetadata('design:paramtypes', proto, method) as unknown[] | undefined) ?? [])
      if (isDto(type)) found.add(type);
  return found;
}

/** A class, and none of the globals a handler may take that are no DTO: String, Object, Buffer, fetch's Request. */
export const isDto = (type: unknown): type is Class =>
  typeof type === 'function' && (globalThis as Record<string, unknown>)[type.name] !== type;

/**
 * The limits of the class a component schema was made from. Swagger names a component after its
 * class, so the candidates are the classes of that name; two services may both have a
 * `ReasonRequest`, and the unit test loads all seven in one process (a service's own process
 * loads only its own). Where names collide, a class the app's routes take wins; else the classes
 * whose @ApiProperty names are exactly the schema's properties, if they agree on every limit
 * (evaluation has two `SubjectDto`s, alike). Otherwise nothing is guessed.
 */
function limitsOfSchema(
  schema: SchemaObject,
  candidates: readonly Class[],
  routed: ReadonlySet<Class>,
): [Class, PropertyLimits] | undefined {
  const own = candidates.filter((cls) => routed.has(cls));
  const properties = Object.keys(schema.properties ?? {})
    .sort()
    .join();
  const alike = candidates.filter((cls) => documentedProperties(cls).sort().join() === properties);
  const chosen = candidates.length === 1 ? candidates : own.length === 1 ? own : alike;
  const limits = chosen.map(limitsByProperty);
  if (!limits.length || new Set(limits.map((l) => JSON.stringify(l))).size > 1) return undefined;
  return [chosen[0]!, limits[0]!];
}

/**
 * Adds to `doc`'s component schemas the limits their classes' validators enforce (see addLimit for
 * which). Only properties the schema already has are touched: a validated field @ApiProperty does
 * not document stays undocumented. `routed`: the classes the app's handlers take
 * (handlerParameterClasses), found by name like the rest and preferred where names collide.
 */
export function documentValidationLimits(doc: OpenAPIObject, routed: ReadonlySet<Class> = new Set()): void {
  const schemas = doc.components?.schemas ?? {};
  const byName = new Map<string, Class[]>();
  for (const cls of new Set([...validatedClasses(), ...routed]))
    if (schemas[cls.name]) byName.set(cls.name, [...(byName.get(cls.name) ?? []), cls]);
  for (const [name, candidates] of byName) {
    const schema = schemas[name]!;
    if ('$ref' in schema) continue;
    const found = limitsOfSchema(schema, candidates, routed);
    if (!found) continue;
    const [cls, limits] = found;
    for (const [property, { value, items }] of limits) {
      const propertySchema = schema.properties?.[property];
      if (!propertySchema) continue;
      applyLimits(propertySchema, value, statedOptions(cls, property)?.type);
      if (!('$ref' in propertySchema) && propertySchema.type === 'array' && propertySchema.items) applyLimits(propertySchema.items, items);
    }
  }
}
