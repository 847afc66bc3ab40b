import { REFINEMENTS, type JsonSchema } from './json-schema';
import { bounds } from './bounds';
import { objects } from './objects';
import {
  constraints,
  declaredNames,
  intersect,
  merge,
  partOf,
  refinementsOf,
  refPair,
  resolve,
  scalarFits,
  typesDisjoint,
  typesOf,
} from './schema-algebra';
import { acceptsValue, isMultiple, same } from './value-check';
import type { Rejection, Walk } from './walk';

export type { Rejection } from './walk';

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

/**
 * Every message valid under `source` must be valid under `target`; returns where that
 * cannot be shown. Sound, not complete: when in doubt it reports.
 *
 * Objects are compared over their declared properties. Platform producers publish only what
 * their contract declares (the outbox stores the parsed message, and zod drops unknown keys),
 * and consumers parse with zod, which ignores keys it does not know. So a property only one
 * side declares matters only when the target forbids extra keys or the source allows any key —
 * which is every object without `additionalProperties: false` when the senders are outside
 * producers (`openSenders`: county systems on the inbound topic, which no outbox of ours parses).
 */
export function rejections(source: JsonSchema, target: JsonSchema, options: { openSenders?: boolean } = {}): Rejection[] {
  return walk(source, target, '', {
    sourceRoot: source,
    targetRoot: target,
    refsInProgress: new Set(),
    openSenders: options.openSenders ?? false,
  });
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

/**
 * A message valid under `base` and every member (allOf, or the keywords beside anyOf with one
 * alternative). Merged into one schema when the keywords allow; otherwise it is enough that
 * one part alone fits — each part then counts the properties the others declare as "any value",
 * since an alternative's own `properties` must not hide those beside it.
 */
function conjunction(base: JsonSchema, members: unknown[], target: JsonSchema | boolean, path: string, w: Walk): Rejection[] {
  const resolved = members.map((m) => resolve(m, w.sourceRoot));
  if (resolved.some((m) => m === false)) return [];
  const flat = resolved.reduce<JsonSchema | undefined>((acc, m) => acc && intersect(acc, m), base);
  if (flat) return walk(flat, target, path, w);
  const parts = [base, ...members];
  const names = parts.map((p) => declaredNames(p, w.sourceRoot));
  const tries = parts.map((p, i) => {
    const others = names.filter((_, j) => j !== i).flatMap((n) => [...n]);
    return walk(partOf(resolve(p, w.sourceRoot), others), target, path, w);
  });
  return tries.find((r) => r.length === 0) ?? tries.reduce((a, b) => (b.length < a.length ? b : a));
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
    ((anyOf ?? oneOf) as unknown[]).forEach((alt, i) => {
      const found = conjunction(base, [alt], target, path, w);
      if (found.length) add(`alternative ${i} may be rejected: ${found[0]!.change} at ${found[0]!.path}`);
    });
    return out;
  }
  if (Array.isArray(s['allOf'])) {
    const { allOf, ...base } = s;
    return conjunction(base, allOf as unknown[], target, path, w);
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
  if (can('object')) out.push(...objects(s, t, path, w, walk));
  return out;
}
