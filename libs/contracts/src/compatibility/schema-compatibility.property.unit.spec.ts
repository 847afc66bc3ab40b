import { z } from 'zod';
import type { JsonSchema } from './json-schema';
import { findBreakingChanges } from './schema-compatibility';
import { seededRandom } from '../seeded-random.spec-helper';

// Soundness over many random schema pairs: whenever the check finds nothing in a direction,
// every message the sending schema accepts must be accepted by the receiving one. Messages are
// drawn from boundary values of every field and judged by zod's own JSON Schema validator
// (z.fromJSONSchema), an implementation independent of the check. Senders publish only the
// fields their schema declares (the check's premise), so messages carry no others.

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const maybe = (r: Rand, p = 0.5) => r() < p;

function numberSchema(r: Rand): JsonSchema {
  const s: Record<string, unknown> = { type: pick(r, ['number', 'integer']) };
  if (maybe(r)) s[pick(r, ['minimum', 'exclusiveMinimum'])] = pick(r, [-1, 0, 1, 2]);
  if (maybe(r)) s[pick(r, ['maximum', 'exclusiveMaximum'])] = pick(r, [2, 3, 10]);
  if (maybe(r, 0.3)) s['multipleOf'] = pick(r, [0.5, 1, 2]);
  if (maybe(r, 0.2)) return { anyOf: [s, { type: 'null' }] };
  return s;
}

function stringSchema(r: Rand): JsonSchema {
  if (maybe(r, 0.3)) return { type: 'string', enum: pick(r, [['a'], ['a', 'b'], ['a', 'b', 'c'], ['b', 'c']]) };
  const s: Record<string, unknown> = { type: 'string' };
  if (maybe(r)) s['minLength'] = pick(r, [0, 1, 2]);
  if (maybe(r)) s['maxLength'] = pick(r, [2, 3, 5]);
  if (maybe(r, 0.2)) s['pattern'] = pick(r, ['^[a-z]*$', '^a']);
  if (maybe(r, 0.2)) return { allOf: [{ type: 'string' }, s] };
  return s;
}

function arraySchema(r: Rand): JsonSchema {
  const s: Record<string, unknown> = { type: 'array', items: stringSchema(r) };
  if (maybe(r)) s['maxItems'] = pick(r, [1, 2, 3]);
  if (maybe(r, 0.3)) s['minItems'] = pick(r, [0, 1]);
  if (maybe(r, 0.4)) s['uniqueItems'] = true;
  return s;
}

function recordSchema(r: Rand): JsonSchema {
  const s: Record<string, unknown> = { type: 'object', additionalProperties: numberSchema(r) };
  if (maybe(r)) s['propertyNames'] = { type: 'string', pattern: pick(r, ['^[a-z]+$', '^[a-c]+$']) };
  return s;
}

const FIELDS = { n: numberSchema, s: stringSchema, a: arraySchema, d: recordSchema } as const;

function objectSchema(r: Rand): JsonSchema {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, make] of Object.entries(FIELDS)) {
    if (maybe(r, 0.15)) continue; // not declared
    const field = make(r);
    properties[name] = maybe(r, 0.15) ? { $ref: `#/$defs/${name}` } : field;
    if (maybe(r, 0.6)) required.push(name);
  }
  const defs = Object.fromEntries(
    Object.entries(properties)
      .filter(([, s]) => '$ref' in (s as object))
      .map(([name]) => [name, FIELDS[name as keyof typeof FIELDS](r)]),
  );
  // Alternatives beside `properties` that declare a property of their own: a message matches both,
  // so what sits beside anyOf must still be compared (an alternative's properties must not hide it).
  const alternatives = maybe(r, 0.3) ? { anyOf: [{ properties: { e: stringSchema(r) } }, ...(maybe(r) ? [{ required: ['e'] }] : [])] } : {};
  return { type: 'object', ...(Object.keys(defs).length ? { $defs: defs } : {}), properties, required, ...alternatives };
}

/** One keyword of one field changed, so pairs differing in exactly that keyword are common. */
function tweak(r: Rand, schema: JsonSchema): JsonSchema {
  const copy = JSON.parse(JSON.stringify(schema)) as { properties: Record<string, Record<string, unknown>>; required: string[] };
  const names = Object.keys(copy.properties);
  if (!names.length) return copy;
  const name = pick(r, names);
  if (maybe(r, 0.2)) {
    copy.required = copy.required.includes(name) ? copy.required.filter((n) => n !== name) : [...copy.required, name];
    return copy;
  }
  let field = copy.properties[name]!;
  if ('$ref' in field) return copy;
  if (Array.isArray(field['anyOf'])) field = (field['anyOf'] as Record<string, unknown>[])[0]!;
  if (Array.isArray(field['allOf'])) field = (field['allOf'] as Record<string, unknown>[])[1]!;
  if (field['type'] === 'array' && maybe(r)) field = field['items'] as Record<string, unknown>;
  if (field['type'] === 'object' && maybe(r)) field = field['additionalProperties'] as Record<string, unknown>;
  const toggle = (k: string, v: unknown) => (k in field ? delete field[k] : (field[k] = v));
  const nudge = (k: string) => (typeof field[k] === 'number' ? (field[k] = field[k] + pick(r, [-1, 1])) : (field[k] = 1));
  switch (field['type']) {
    case 'array':
      return (pick(r, [() => toggle('uniqueItems', true), () => nudge('maxItems'), () => nudge('minItems')])(), copy);
    case 'object':
      return (toggle('propertyNames', { type: 'string', pattern: '^[a-b]+$' }), copy);
    case 'string':
      if (Array.isArray(field['enum'])) {
        const e = field['enum'] as string[];
        field['enum'] = maybe(r) && e.length > 1 ? e.slice(1) : [...new Set([...e, pick(r, ['a', 'b', 'c', 'ab'])])];
      } else pick(r, [() => nudge('minLength'), () => nudge('maxLength'), () => toggle('pattern', '^[a-b]*$')])();
      return copy;
    default:
      pick(r, [
        () => nudge('minimum'),
        () => nudge('maximum'),
        () => nudge('exclusiveMinimum'),
        () => toggle('multipleOf', pick(r, [0.5, 1, 2])),
        () => (field['type'] = field['type'] === 'integer' ? 'number' : 'integer'),
      ])();
      return copy;
  }
}

const VALUES: Record<keyof typeof FIELDS | 'e', unknown[]> = {
  n: [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 10, 11, null, 'x'],
  s: ['', 'a', 'b', 'c', 'ab', 'aB', 'abc', 'abcd', 'bbbbbb', 'Z', null, 1],
  a: [[], ['a'], ['a', 'a'], ['a', 'b'], ['a', 'b', 'c'], ['abcdef'], [''], ['a', 'b', 'c', 'd'], 'a'],
  d: [{}, { a: 1 }, { z: 1 }, { a: 0.5 }, { A: 1 }, { ab: 3 }, { a: null }, { a: 11 }, { a: -1 }],
  e: ['', 'a', 'b', 'c', 'ab', 'abc', 'abcdef', null, 1],
};

function messages(r: Rand, declared: string[], count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const m: Record<string, unknown> = {};
    for (const name of declared) if (maybe(r, 0.8)) m[name] = pick(r, VALUES[name as keyof typeof VALUES]);
    out.push(m);
  }
  return out;
}

describe(`${findBreakingChanges.name} (random schema pairs)`, () => {
  const sut = findBreakingChanges;

  it('never calls a direction compatible when a message the sender allows is refused by the receiver', () => {
    const r = seededRandom(20261129);
    const unsound: string[] = [];
    let judged = 0;
    let compatibleDirections = 0;
    for (let pair = 0; pair < 600 && unsound.length < 3; pair++) {
      const older = objectSchema(r);
      // Most pairs differ in one keyword; some are unrelated schemas.
      const newer = maybe(r, 0.15) ? objectSchema(r) : tweak(r, maybe(r, 0.3) ? tweak(r, older) : older);
      const found = sut(older, newer);
      const directions = [
        { from: newer, to: older, ok: !found.some((f) => f.direction === 'new-producers→old-consumers') },
        { from: older, to: newer, ok: !found.some((f) => f.direction === 'old-producers→new-consumers') },
      ];
      for (const { from, to, ok } of directions) {
        if (!ok) continue;
        compatibleDirections++;
        const sender = z.fromJSONSchema(from);
        const receiver = z.fromJSONSchema(to);
        const declared = [...Object.keys(from['properties'] as object), ...('anyOf' in from ? ['e'] : [])];
        for (const m of messages(r, declared, 60)) {
          if (!sender.safeParse(m).success) continue;
          judged++;
          if (!receiver.safeParse(m).success) unsound.push(JSON.stringify({ from, to, m }));
        }
      }
    }
    expect(unsound).toEqual([]);
    // The property must have been exercised, not vacuously true.
    expect(compatibleDirections).toBeGreaterThan(200);
    expect(judged).toBeGreaterThan(1000);
  });
});
