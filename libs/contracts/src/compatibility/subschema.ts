import { ANNOTATIONS, REFINEMENTS, isObject, type JsonSchema } from './json-schema';
import { acceptsValue, isMultiple, same } from './value-check';

/** A place where a message the source schema allows may be rejected by the target schema. */
export interface Rejection {
  readonly path: string;
  readonly change: string;
}

/**
 * Keywords this walk understands. Any other keyword in the target that the source does
 * not carry identically (`not`, `if`, `contains`, `patternProperties`, …) is reported:
 * what cannot be compared counts as breaking.
 */
const UNDERSTOOD = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'anyOf',
  'oneOf',
  'allOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  REFINEMENTS,
]);

interface Walk {
  readonly sourceRoot: JsonSchema;
  readonly targetRoot: JsonSchema;
  /** `$ref` pairs under comparison: a cycle meeting itself again is assumed to fit (coinduction). */
  readonly refsInProgress: Set<string>;
}

/**
 * Every message valid under `source` must be valid under `target`; returns where that
 * cannot be shown. Sound, not complete: when in doubt it reports.
 *
 * Objects are compared over their declared properties. Producers publish only what their
 * contract declares (the outbox stores the parsed message, and zod drops unknown keys), and
 * consumers parse with zod, which ignores keys it does not know. So a property only one side
 * declares matters only when the target forbids extra keys or the source allows any key.
 */
export function rejections(source: JsonSchema, target: JsonSchema): Rejection[] {
  return walk(source, target, '', { sourceRoot: source, targetRoot: target, refsInProgress: new Set() });
}

function walk(sourceIn: unknown, targetIn: unknown, path: string, w: Walk): Rejection[] {
  const refKey = refPair(sourceIn, targetIn);
  if (refKey) {
    if (w.refsInProgress.has(refKey)) return [];
    w.refsInProgress.add(refKey);
  }
  try {
    const source = resolve(sourceIn, w.sourceRoot);
    const target = resolve(targetIn, w.targetRoot);
    if (source === undefined || target === undefined) {
      return same(sourceIn, targetIn) ? [] : [{ path: path || '/', change: '$ref cannot be resolved; treated as breaking' }];
    }
    return compare(source, target, path, w);
  } finally {
    if (refKey) w.refsInProgress.delete(refKey);
  }
}

function compare(source: JsonSchema | boolean, target: JsonSchema | boolean, path: string, w: Walk): Rejection[] {
  const at = path || '/';
  const out: Rejection[] = [];
  const add = (change: string, p = at) => out.push({ path: p, change });
  if (target === true || source === false) return [];
  if (target === false) return [{ path: at, change: 'the receiving side accepts no value' }];
  const t = constraints(target);
  if (source === true)
    return Object.keys(t).length ? [{ path: at, change: 'any value allowed, but the receiving side constrains it' }] : [];
  const s = constraints(source);
  // Identical text is identical meaning only when no $ref inside can point at different definitions.
  if (same(s, t) && !JSON.stringify(s).includes('"$ref"')) return [];

  // Unions and intersections first: each branch is compared as a whole schema.
  if (Array.isArray(s['anyOf']) || Array.isArray(s['oneOf'])) {
    const { anyOf, oneOf, ...base } = s;
    (((anyOf ?? oneOf) as unknown[]) ?? []).forEach((alt, i) => {
      const found = walk(merge(base, alt), target, path, w);
      if (found.length) add(`alternative ${i} may be rejected: ${found[0]!.change} at ${found[0]!.path}`);
    });
    return out;
  }
  if (Array.isArray(s['allOf'])) {
    const { allOf, ...base } = s;
    const flat = (allOf as unknown[]).reduce<JsonSchema | undefined>((acc, m) => acc && intersect(acc, resolve(m, w.sourceRoot)), base);
    if (flat) return walk(flat, target, path, w);
    // Members that cannot be merged: a message valid under allOf is valid under each member, so fitting through one suffices.
    const candidates = [base, ...(allOf as unknown[]).map((m) => merge(base, m))];
    const tries = candidates.map((c) => walk(c, target, path, w));
    return tries.find((r) => r.length === 0) ?? tries.reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (Array.isArray(t['allOf'])) {
    const { allOf, ...base } = t;
    out.push(...walk(s, base, path, w));
    (allOf as unknown[]).forEach((m) => out.push(...walk(s, m, path, w)));
    return out;
  }
  if (Array.isArray(t['anyOf']) || Array.isArray(t['oneOf'])) {
    const { anyOf, oneOf, ...base } = t;
    const alts = (anyOf ?? oneOf) as unknown[];
    if (oneOf && !typesDisjoint(alts.map((alt) => merge(base, alt)))) {
      return [{ path: at, change: 'oneOf whose branches overlap cannot be compared' }];
    }
    // A branch accepts what both its own keywords and those beside anyOf accept: check each
    // separately rather than merge them, which would let a branch's keyword replace a stricter one beside it.
    const tries = alts.map((alt) => [...walk(s, base, path, w), ...walk(s, alt, path, w)]);
    if (!tries.some((r) => r.length === 0)) add('no alternative of the receiving side accepts every message the sender may send');
    return out;
  }

  for (const k of Object.keys(t)) {
    if (!UNDERSTOOD.has(k) && !same(s[k], t[k])) add(`${k} cannot be compared; treated as breaking unless identical`);
  }
  const mine = refinementsOf(s);
  for (const r of refinementsOf(t)) {
    if (!mine.includes(r)) add(`refinement ${r} cannot be compared; treated as breaking unless identical`);
  }

  // A closed set of values: each must pass the target.
  const values = 'const' in s ? [s['const']] : Array.isArray(s['enum']) ? (s['enum'] as unknown[]) : undefined;
  if (values) {
    for (const v of values) {
      const ok = acceptsValue(t, v);
      if (ok === false) add(`value ${JSON.stringify(v)} not accepted by the receiving side`);
      if (ok === undefined && !scalarFits(s, t)) add(`value ${JSON.stringify(v)} may not be accepted by the receiving side`);
    }
    return out;
  }
  if ('const' in t || Array.isArray(t['enum'])) add('the receiving side accepts only a closed set of values');

  const st = typesOf(s);
  const tt = typesOf(t);
  if (tt) {
    if (!st) add(`the receiving side accepts only type ${[...tt].join('|')}`);
    else
      for (const x of st) {
        if (!tt.has(x) && !(x === 'integer' && tt.has('number')))
          add(`type ${x} not accepted by the receiving side (${[...tt].join('|')})`);
      }
  }
  const can = (x: string) => !st || st.has(x) || (x === 'number' && st.has('integer'));

  if (can('string')) {
    for (const k of ['pattern', 'format'] as const) {
      if (t[k] !== undefined && t[k] !== s[k]) add(`the receiving side requires ${k} ${JSON.stringify(t[k])}`);
    }
  }
  out.push(...bounds(s, t, at));
  if (can('number') && typeof t['multipleOf'] === 'number') {
    const m = t['multipleOf'];
    const ok = typeof s['multipleOf'] === 'number' ? isMultiple(s['multipleOf'], m) : m === 1 && st?.size === 1 && st.has('integer');
    if (!ok) add(`the receiving side requires multipleOf ${m}`);
  }
  if (can('array')) {
    if (t['uniqueItems'] === true && s['uniqueItems'] !== true) add('the receiving side requires unique items');
    if (t['items'] !== undefined) {
      if (s['items'] === undefined) add('the receiving side restricts the items');
      else out.push(...walk(s['items'], t['items'], `${path}/items`, w));
    }
  }
  if (can('object')) out.push(...objects(s, t, path, w));
  return out;
}

function objects(s: JsonSchema, t: JsonSchema, path: string, w: Walk): Rejection[] {
  const out: Rejection[] = [];
  const sp = isObject(s['properties']) ? s['properties'] : {};
  const tp = isObject(t['properties']) ? t['properties'] : {};
  const sreq = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  const treq = Array.isArray(t['required']) ? (t['required'] as string[]) : [];
  // undefined: closed by the declared-properties rule; true/{}/schema: open to further keys.
  const sExtra = s['additionalProperties'];
  const sOpen = sExtra !== undefined && sExtra !== false;
  const tExtra = t['additionalProperties'];

  for (const name of treq) {
    if (!sreq.has(name)) {
      out.push({
        path: `${path}/properties/${name}`,
        change:
          name in sp ? 'may be absent, but the receiving side requires it' : 'required by the receiving side, not declared by the sender',
      });
    }
  }
  for (const [name, ts] of Object.entries(tp)) {
    const at = `${path}/properties/${name}`;
    if (name in sp) out.push(...walk(sp[name], ts, at, w));
    else if (sOpen) out.push(...walk(sExtra, ts, at, w));
  }
  for (const [name, ss] of Object.entries(sp)) {
    if (name in tp) continue;
    const at = `${path}/properties/${name}`;
    if (tExtra === false) out.push({ path: at, change: 'property not allowed by the receiving side' });
    else if (tExtra !== undefined) out.push(...walk(ss, tExtra, at, w));
  }
  if (sOpen && tExtra !== undefined) {
    if (tExtra === false) out.push({ path: path || '/', change: 'the receiving side allows no additional properties' });
    else out.push(...walk(sExtra, tExtra, `${path}/additionalProperties`, w));
  }
  if (t['propertyNames'] !== undefined) {
    const at = `${path}/propertyNames`;
    if (s['propertyNames'] !== undefined) out.push(...walk(s['propertyNames'], t['propertyNames'], at, w));
    else if (sOpen) out.push({ path: at, change: 'the receiving side restricts property names' });
    else {
      const names = isObject(t['propertyNames']) ? t['propertyNames'] : {};
      for (const name of Object.keys(sp)) {
        if (acceptsValue(names, name) !== true) out.push({ path: at, change: `property name ${JSON.stringify(name)} may be rejected` });
      }
    }
  }
  return out;
}

type Bound = { value: number; exclusive: boolean } | undefined;

function lower(s: JsonSchema, inclusive: string, exclusive: string): Bound {
  const a = typeof s[inclusive] === 'number' ? { value: s[inclusive], exclusive: false } : undefined;
  const b = typeof s[exclusive] === 'number' ? { value: s[exclusive], exclusive: true } : undefined;
  if (!a || !b) return a ?? b;
  return b.value >= a.value ? b : a;
}

function upper(s: JsonSchema, inclusive: string, exclusive: string): Bound {
  const a = typeof s[inclusive] === 'number' ? { value: s[inclusive], exclusive: false } : undefined;
  const b = typeof s[exclusive] === 'number' ? { value: s[exclusive], exclusive: true } : undefined;
  if (!a || !b) return a ?? b;
  return b.value <= a.value ? b : a;
}

/** Source bounds must lie inside target bounds, for numbers, lengths, item and property counts. */
function bounds(s: JsonSchema, t: JsonSchema, at: string): Rejection[] {
  const out: Rejection[] = [];
  const pairs: [string, string, string][] = [
    ['minimum', 'exclusiveMinimum', 'lower'],
    ['maximum', 'exclusiveMaximum', 'upper'],
    ['minLength', '', 'lower'],
    ['maxLength', '', 'upper'],
    ['minItems', '', 'lower'],
    ['maxItems', '', 'upper'],
    ['minProperties', '', 'lower'],
    ['maxProperties', '', 'upper'],
  ];
  for (const [inc, exc, side] of pairs) {
    const tb = side === 'lower' ? lower(t, inc, exc) : upper(t, inc, exc);
    if (!tb) continue;
    const sb = side === 'lower' ? lower(s, inc, exc) : upper(s, inc, exc);
    const inside = sb !== undefined && (side === 'lower' ? sb.value > tb.value : sb.value < tb.value);
    const fits = inside || (sb !== undefined && sb.value === tb.value && (sb.exclusive || !tb.exclusive));
    if (!fits) out.push({ path: at, change: `the receiving side requires ${tb.exclusive ? exc : inc} ${tb.value}` });
  }
  return out;
}

/** When enum values cannot be decided alone (e.g. a format), an identical scalar constraint still fits. */
function scalarFits(s: JsonSchema, t: JsonSchema): boolean {
  return ['format', 'pattern'].every((k) => t[k] === undefined || t[k] === s[k]);
}

function constraints(s: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !ANNOTATIONS.has(k) && !(k.startsWith('x-') && k !== REFINEMENTS)));
}

function refinementsOf(s: JsonSchema): string[] {
  const r = s[REFINEMENTS];
  return Array.isArray(r) ? r.map((x) => (isObject(x) ? String(x['id']) : String(x))) : [];
}

function typesOf(s: JsonSchema): Set<string> | undefined {
  const t = s['type'];
  if (t === undefined) return undefined;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

function typesDisjoint(alts: unknown[]): boolean {
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

const LOWER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);

/** One schema accepting exactly what both accept, or `undefined` when the keywords clash in a way not merged here. */
function intersect(a: JsonSchema, b: JsonSchema | boolean | undefined): JsonSchema | undefined {
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

function merge(base: JsonSchema, alt: unknown): JsonSchema | boolean {
  if (typeof alt === 'boolean') return alt ? base : false;
  return isObject(alt) ? { ...base, ...alt } : base;
}

function refPair(a: unknown, b: unknown): string | undefined {
  const ra = isObject(a) && typeof a['$ref'] === 'string' ? a['$ref'] : undefined;
  const rb = isObject(b) && typeof b['$ref'] === 'string' ? b['$ref'] : undefined;
  return ra || rb ? `${ra ?? '-'}|${rb ?? '-'}` : undefined;
}

/** Follows a local `$ref` (`#/$defs/x`) inside its own document; `undefined` when it cannot. */
function resolve(s: unknown, root: JsonSchema, depth = 0): JsonSchema | boolean | undefined {
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
