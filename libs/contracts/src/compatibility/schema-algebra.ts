import { ANNOTATIONS, REFINEMENTS, isObject, type JsonSchema } from './json-schema';
import { same } from './value-check';

/** The keywords that constrain (annotations and other `x-` keys dropped; `x-refinements` kept). */
export function constraints(s: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !ANNOTATIONS.has(k) && !(k.startsWith('x-') && k !== REFINEMENTS)));
}

export function refinementsOf(s: JsonSchema): string[] {
  const r = s[REFINEMENTS];
  return Array.isArray(r) ? r.map((x) => (isObject(x) ? String(x['id']) : String(x))) : [];
}

export function typesOf(s: JsonSchema): Set<string> | undefined {
  const t = s['type'];
  if (t === undefined) return undefined;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

export function typesDisjoint(alts: unknown[]): boolean {
  const seen = new Set<string>();
  for (const a of alts) {
    const ts = isObject(a) ? typesOf(a) : undefined;
    if (!ts) return false;
    for (const x of ts) {
      const family = x === 'integer' ? 'number' : x;
      if (seen.has(family)) return false;
      seen.add(family);
    }
  }
  return true;
}

/** When enum values cannot be decided alone (e.g. a format), an identical scalar constraint still fits. */
export function scalarFits(s: JsonSchema, t: JsonSchema): boolean {
  return ['format', 'pattern'].every((k) => t[k] === undefined || t[k] === s[k]);
}

const LOWER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);

/** One schema accepting exactly what both accept, or `undefined` when the keywords clash in a way not merged here. */
export function intersect(a: JsonSchema, b: JsonSchema | boolean | undefined): JsonSchema | undefined {
  if (b === true) return a;
  if (!isObject(b) || '$ref' in b || '$ref' in a) return undefined;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    if (mine === undefined || same(mine, v)) out[k] = v;
    else if (LOWER.has(k) && typeof mine === 'number' && typeof v === 'number') out[k] = Math.max(mine, v);
    else if (UPPER.has(k) && typeof mine === 'number' && typeof v === 'number') out[k] = Math.min(mine, v);
    else if (k === 'required' && Array.isArray(mine) && Array.isArray(v))
      out[k] = [...new Set([...(mine as unknown[]), ...(v as unknown[])])];
    else if (k === 'properties' && isObject(mine) && isObject(v)) {
      const props: Record<string, unknown> = { ...mine };
      for (const [name, ps] of Object.entries(v)) props[name] = name in props ? { allOf: [props[name], ps] } : ps;
      out[k] = props;
    } else if (ANNOTATIONS.has(k)) continue;
    else return undefined;
  }
  return out;
}

/** Keywords of `alt` over `base`, one of each. Only for type questions: it may drop a keyword of base. */
export function merge(base: JsonSchema, alt: unknown): JsonSchema | boolean {
  if (typeof alt === 'boolean') return alt ? base : false;
  return isObject(alt) ? { ...base, ...alt } : base;
}

/** Every property name a schema declares, through its anyOf/oneOf/allOf members. */
export function declaredNames(s: unknown, root: JsonSchema, depth = 0): Set<string> {
  const out = new Set<string>();
  const r = resolve(s, root);
  if (!isObject(r) || depth > 16) return out;
  if (isObject(r['properties'])) Object.keys(r['properties']).forEach((n) => out.add(n));
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(r[k])) for (const m of r[k] as unknown[]) declaredNames(m, root, depth + 1).forEach((n) => out.add(n));
  }
  return out;
}

/**
 * One part of a conjunction (the keywords beside anyOf, or one member) compared on its own:
 * a message matching the whole may carry properties the other parts declare, with any value
 * as far as this part knows, so they are added as `true` rather than left out (which the
 * declared-properties rule would read as "never sent").
 */
export function partOf(part: JsonSchema | boolean | undefined, otherNames: Iterable<string>): JsonSchema | boolean | undefined {
  if (!isObject(part)) return part;
  const own = isObject(part['properties']) ? part['properties'] : {};
  const extra = [...otherNames].filter((n) => !(n in own));
  return extra.length ? { ...part, properties: { ...Object.fromEntries(extra.map((n) => [n, true])), ...own } } : part;
}

export function refPair(a: unknown, b: unknown): string | undefined {
  const ra = isObject(a) && typeof a['$ref'] === 'string' ? a['$ref'] : undefined;
  const rb = isObject(b) && typeof b['$ref'] === 'string' ? b['$ref'] : undefined;
  return ra || rb ? `${ra ?? '-'}|${rb ?? '-'}` : undefined;
}

/** Follows a local `$ref` (`#/$defs/x`) inside its own document; `undefined` when it cannot. */
export function resolve(s: unknown, root: JsonSchema, depth = 0): JsonSchema | boolean | undefined {
  if (typeof s === 'boolean') return s;
  if (!isObject(s)) return undefined;
  const ref = s['$ref'];
  if (typeof ref !== 'string') return s;
  if (depth > 32 || !ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  const target = resolve(node, root, depth + 1);
  if (target === undefined || typeof target === 'boolean') return target;
  // Keywords beside $ref apply too (2020-12).
  const { $ref: _ref, ...beside } = s;
  void _ref;
  return { ...target, ...beside };
}
