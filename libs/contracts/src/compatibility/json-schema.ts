export type JsonSchema = { readonly [key: string]: unknown };

export function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Keywords that only describe (docs, tooling) and never change which messages a schema
 * accepts. `x-topic` and `x-key` are not among them: consumers subscribe by them.
 */
export const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
]);

/** Where the generator records the zod refinements (`.refine`, `.superRefine`) JSON Schema cannot express. */
export const REFINEMENTS = 'x-refinements';
/** Set at the root of a schema whose refinements were recorded (older published files did not). */
export const REFINEMENTS_RECORDED = 'x-refinements-recorded';

/** A copy without the recorded refinements, for comparing with a schema that never recorded them. */
export function withoutRefinements(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutRefinements);
  if (!isObject(s)) return s;
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => k !== REFINEMENTS && k !== REFINEMENTS_RECORDED)
      .map(([k, v]) => [k, withoutRefinements(v)]),
  );
}
