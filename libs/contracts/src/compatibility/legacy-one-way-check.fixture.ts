// The compatibility check as it was before bidirectional checking (commit b66dcd0), kept only so
// schema-compatibility.unit.spec.ts can show which of its cases the old one-way check let through.
/**
 * Decides whether a JSON Schema (as generated from a contract's zod schema) can replace
 * the one already published for the same type and version. Inside a version a schema
 * may only widen: a message valid under the published schema must stay valid, and every
 * field a consumer relies on must still be there.
 *
 * Breaking: removing a property, making an optional property required, adding a required
 * property, narrowing a type (number → integer, string|null → string), removing enum
 * values, adding or changing a const/format/pattern, tightening min/max bounds.
 * Compatible: adding an optional property, widening types, adding enum values, loosening bounds.
 */
export type JsonSchema = { readonly [key: string]: unknown };

export interface BreakingChange {
  /** JSON pointer-ish path to the changed place, e.g. `/properties/data/properties/level`. */
  readonly path: string;
  readonly change: string;
}

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typesOf(s: JsonSchema): Set<string> | undefined {
  const t = s['type'];
  if (t === undefined) return undefined;
  return new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
}

function variants(s: JsonSchema): JsonSchema[] {
  const alt = s['anyOf'] ?? s['oneOf'];
  return Array.isArray(alt) ? alt.filter(isObject) : [s];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

export function legacyFindBreakingChanges(published: JsonSchema, current: JsonSchema, path = ''): BreakingChange[] {
  const out: BreakingChange[] = [];
  const add = (change: string, at = path) => out.push({ path: at || '/', change });

  // Unions (zod's nullable/optional unions): every published alternative must still be accepted
  // by some current alternative.
  if ('anyOf' in published || 'oneOf' in published || 'anyOf' in current || 'oneOf' in current) {
    const cur = variants(current);
    variants(published).forEach((p, i) => {
      const fits = cur.some((c) => legacyFindBreakingChanges(p, c, path).length === 0);
      if (!fits) add(`alternative ${i} (${JSON.stringify(p['type'] ?? p['const'] ?? p)}) no longer accepted`);
    });
    return out;
  }

  const pt = typesOf(published);
  const ct = typesOf(current);
  if (ct) {
    if (!pt) add(`type restricted to ${[...ct].join('|')}`);
    else
      for (const t of pt) {
        const kept = ct.has(t) || (t === 'integer' && ct.has('number'));
        if (!kept) add(`type ${t} no longer accepted (now ${[...ct].join('|')})`);
      }
  }

  if ('const' in current && !('const' in published && same(published['const'], current['const']))) {
    add(`const ${JSON.stringify(current['const'])} added or changed`);
  }

  if (Array.isArray(current['enum'])) {
    const cur = current['enum'] as unknown[];
    if (!Array.isArray(published['enum'])) {
      if ('const' in published) {
        if (!cur.some((v) => same(v, published['const']))) add('enum no longer allows the published const');
      } else add('enum added');
    } else
      for (const v of published['enum'] as unknown[]) {
        if (!cur.some((c) => same(c, v))) add(`enum value ${JSON.stringify(v)} removed`);
      }
  }

  for (const k of ['format', 'pattern'] as const) {
    if (current[k] !== undefined && current[k] !== published[k]) add(`${k} added or changed to ${JSON.stringify(current[k])}`);
  }
  for (const k of LOWER_BOUNDS) {
    const c = current[k];
    if (typeof c === 'number') {
      const p = published[k];
      if (typeof p !== 'number' || c > p) add(`${k} tightened to ${c}`);
    }
  }
  for (const k of UPPER_BOUNDS) {
    const c = current[k];
    if (typeof c === 'number') {
      const p = published[k];
      if (typeof p !== 'number' || c < p) add(`${k} tightened to ${c}`);
    }
  }

  // Objects.
  const pp = isObject(published['properties']) ? published['properties'] : {};
  const cp = isObject(current['properties']) ? current['properties'] : {};
  const preq = new Set(Array.isArray(published['required']) ? (published['required'] as string[]) : []);
  const creq = new Set(Array.isArray(current['required']) ? (current['required'] as string[]) : []);
  for (const [name, ps] of Object.entries(pp)) {
    const cs = cp[name];
    const at = `${path}/properties/${name}`;
    if (!isObject(cs)) {
      add('property removed', at);
      continue;
    }
    if (isObject(ps)) out.push(...legacyFindBreakingChanges(ps, cs, at));
  }
  for (const name of creq) {
    if (!preq.has(name)) add(name in pp ? 'optional property became required' : 'required property added', `${path}/properties/${name}`);
  }
  if (current['additionalProperties'] === false && published['additionalProperties'] !== false) {
    add('additional properties no longer allowed');
  }

  // Arrays.
  if (isObject(published['items']) && isObject(current['items'])) {
    out.push(...legacyFindBreakingChanges(published['items'], current['items'], `${path}/items`));
  } else if (isObject(current['items']) && !isObject(published['items'])) {
    add('array items restricted');
  }
  return out;
}
