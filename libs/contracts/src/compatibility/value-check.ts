import type { JsonSchema } from './json-schema';

/**
 * Whether one JSON value (an enum or const value of the other schema) is accepted by a
 * schema, for the keywords that can be decided without a full validator. `undefined`
 * means "cannot tell here", which the caller treats as a possible rejection.
 */
export function acceptsValue(schema: JsonSchema, value: unknown): boolean | undefined {
  const decided: (boolean | undefined)[] = [];
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    decided.push(types.some((t) => hasType(value, t)));
  }
  if ('const' in schema) decided.push(same(schema['const'], value));
  if (Array.isArray(schema['enum'])) decided.push((schema['enum'] as unknown[]).some((v) => same(v, value)));
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema['minLength'] === 'number') decided.push(length >= schema['minLength']);
    if (typeof schema['maxLength'] === 'number') decided.push(length <= schema['maxLength']);
    if (typeof schema['pattern'] === 'string') decided.push(matches(schema['pattern'], value));
    if (typeof schema['format'] === 'string') decided.push(undefined);
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number') decided.push(value >= schema['minimum']);
    if (typeof schema['exclusiveMinimum'] === 'number') decided.push(value > schema['exclusiveMinimum']);
    if (typeof schema['maximum'] === 'number') decided.push(value <= schema['maximum']);
    if (typeof schema['exclusiveMaximum'] === 'number') decided.push(value < schema['exclusiveMaximum']);
    if (typeof schema['multipleOf'] === 'number') decided.push(isMultiple(value, schema['multipleOf']));
  }
  if (typeof value === 'object' && value !== null) decided.push(undefined);
  if (decided.includes(false)) return false;
  return decided.includes(undefined) ? undefined : true;
}

export function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

/** `a` is a multiple of `b`, allowing for binary fractions (0.3 / 0.1). */
export function isMultiple(a: number, b: number): boolean {
  if (b <= 0) return false;
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function matches(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return undefined;
  }
}

export const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
