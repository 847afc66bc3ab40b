import { z } from 'zod';
import { toJson } from '../docs/contract-docs';
import { refineBy } from '../refinements';
import { REFINEMENTS_RECORDED, type JsonSchema } from './json-schema';
import { legacyFindBreakingChanges } from './legacy-one-way-check.fixture';
import { COUNTY_INBOUND_TOPIC } from '../topics';
import { findBreakingChanges } from './schema-compatibility';

// Each row: a published schema and the schema a change would publish in its place, with the
// verdict per direction, and what the one-way check before this one said ("broke" = reported
// something). Rows where `legacy` differs from the truth are the changes it let through.

const json = (shape: Record<string, z.ZodType>): JsonSchema => ({ ...toJson(z.object(shape)), [REFINEMENTS_RECORDED]: true });
const base = {
  id: z.uuid(),
  level: z.enum(['county', 'township']),
  score: z.number(),
  count: z.number().int().min(0).max(100),
  parentId: z.uuid().nullable(),
  note: z.string().max(100).optional(),
  tags: z.array(z.string()),
};
const changed = (shape: Record<string, z.ZodType | undefined>): JsonSchema =>
  json(Object.fromEntries(Object.entries({ ...base, ...shape }).filter(([, v]) => v !== undefined)));
const published = json(base);

const atMost = (n: number) => refineBy(z.array(z.string()), { name: 'at-most', version: n, description: `≤ ${n}`, check: () => undefined });
const nameDef = (max: number): JsonSchema => ({
  type: 'object',
  $defs: { name: { type: 'string', minLength: 1, maxLength: max } },
  properties: { name: { $ref: '#/$defs/name' } },
  required: ['name'],
});
const allOfName = (...parts: JsonSchema[]): JsonSchema => ({
  type: 'object',
  properties: { name: { allOf: parts } },
  required: ['name'],
});

interface Row {
  readonly published: JsonSchema;
  readonly current: JsonSchema;
  /** A message the new schema allows may be rejected by consumers on the published schema. */
  readonly newToOld: boolean;
  /** A message the published schema allows may be rejected by consumers on the new schema. */
  readonly oldToNew: boolean;
  /** What the one-way check before this one reported. */
  readonly legacy: boolean;
}

const table: Record<string, Row> = {
  unchanged: { published, current: published, newToOld: false, oldToNew: false, legacy: false },
  'an enum value added': {
    published,
    current: changed({ level: z.enum(['county', 'township', 'village']) }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'an enum value removed': { published, current: changed({ level: z.enum(['county']) }), newToOld: false, oldToNew: true, legacy: true },
  'an upper bound loosened': {
    published,
    current: changed({ count: z.number().int().min(0).max(1000) }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'an upper bound tightened': {
    published,
    current: changed({ count: z.number().int().min(0).max(10) }),
    newToOld: false,
    oldToNew: true,
    legacy: true,
  },
  'a lower bound loosened': {
    published,
    current: changed({ count: z.number().int().min(-5).max(100) }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'a required field made optional': {
    published,
    current: changed({ score: z.number().optional() }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'an optional field made required': {
    published,
    current: changed({ note: z.string().max(100) }),
    newToOld: false,
    oldToNew: true,
    legacy: true,
  },
  'a required field removed': { published, current: changed({ score: undefined }), newToOld: true, oldToNew: false, legacy: true },
  // Consumers on the published schema already cope with its absence; the name stays reserved
  // because every later change is compared with every published shape, this one included.
  'an optional field removed': { published, current: changed({ note: undefined }), newToOld: false, oldToNew: false, legacy: true },
  'a required field added': { published, current: changed({ sector: z.string() }), newToOld: false, oldToNew: true, legacy: true },
  'an optional field added': {
    published,
    current: changed({ remark: z.string().optional() }),
    newToOld: false,
    oldToNew: false,
    legacy: false,
  },
  'a type changed': { published, current: changed({ score: z.string() }), newToOld: true, oldToNew: true, legacy: true },
  'integer widened to number': {
    published,
    current: changed({ count: z.number().min(0).max(100) }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'a field made nullable': { published, current: changed({ id: z.uuid().nullable() }), newToOld: true, oldToNew: false, legacy: false },
  'a nullable field made non-null': { published, current: changed({ parentId: z.uuid() }), newToOld: false, oldToNew: true, legacy: true },
  'multipleOf added': {
    published,
    current: changed({ score: z.number().multipleOf(0.5) }),
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'multipleOf removed': {
    published: changed({ score: z.number().multipleOf(0.5) }),
    current: published,
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'multipleOf made coarser (0.5 → 1)': {
    published: changed({ score: z.number().multipleOf(0.5) }),
    current: changed({ score: z.number().multipleOf(1) }),
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'uniqueItems added': {
    published,
    current: {
      ...published,
      properties: { ...(published['properties'] as object), tags: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
    },
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'uniqueItems removed': {
    published: {
      ...published,
      properties: { ...(published['properties'] as object), tags: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
    },
    current: published,
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'propertyNames restricted': {
    published: changed({ votes: z.record(z.string(), z.number()) }),
    current: changed({ votes: z.record(z.string().regex(/^[a-z]+$/), z.number()) }),
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'propertyNames loosened': {
    published: changed({ votes: z.record(z.string().regex(/^[a-z]+$/), z.number()) }),
    current: changed({ votes: z.record(z.string(), z.number()) }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'a bound inside allOf loosened': {
    published: allOfName({ type: 'string' }, { maxLength: 10 }),
    current: allOfName({ type: 'string' }, { maxLength: 20 }),
    newToOld: true,
    oldToNew: false,
    legacy: false,
  },
  'a bound inside allOf tightened': {
    published: allOfName({ type: 'string' }, { maxLength: 10 }),
    current: allOfName({ type: 'string' }, { maxLength: 5 }),
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'a bound behind $ref loosened': { published: nameDef(10), current: nameDef(20), newToOld: true, oldToNew: false, legacy: false },
  'a bound behind $ref tightened': { published: nameDef(10), current: nameDef(5), newToOld: false, oldToNew: true, legacy: false },
  '$ref replaced by the same schema inline': {
    published: nameDef(10),
    current: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 10 } }, required: ['name'] },
    newToOld: false,
    oldToNew: false,
    legacy: true, // a false alarm: it did not follow the $ref
  },
  'a refinement added': { published, current: changed({ tags: atMost(3) }), newToOld: false, oldToNew: true, legacy: false },
  'a refinement removed': { published: changed({ tags: atMost(3) }), current: published, newToOld: true, oldToNew: false, legacy: false },
  'a refinement changed (new rule version)': {
    published: changed({ tags: atMost(3) }),
    current: changed({ tags: atMost(4) }),
    newToOld: true,
    oldToNew: true,
    legacy: false,
  },
  'a refinement kept identical': {
    published: changed({ tags: atMost(3) }),
    current: changed({ tags: atMost(3) }),
    newToOld: false,
    oldToNew: false,
    legacy: false,
  },
  'a transform added': {
    published,
    current: changed({
      note: z
        .string()
        .max(100)
        .optional()
        .transform((n) => n?.trim()),
    }),
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  'a keyword the check does not understand (not) added': {
    published,
    current: { ...published, properties: { ...(published['properties'] as object), score: { type: 'number', not: { const: 0 } } } },
    newToOld: false,
    oldToNew: true,
    legacy: false,
  },
  // An alternative's own `properties` must not hide those beside anyOf: a message matches both.
  'a looser bound beside an anyOf whose alternatives declare other properties': {
    published: { type: 'object', properties: { a: { type: 'string', maxLength: 10 } } },
    current: {
      type: 'object',
      properties: { a: { type: 'string', maxLength: 100 } },
      anyOf: [{ properties: { b: { type: 'string' } } }],
    },
    newToOld: true,
    oldToNew: false,
    legacy: true,
  },
  'a looser bound beside an anyOf whose alternative clashes with it (intersection not merged)': {
    published: { type: 'object', properties: { a: { type: 'string', maxLength: 10 } } },
    current: {
      type: 'object',
      properties: { a: { type: 'string', maxLength: 100 } },
      propertyNames: { pattern: '^[a-z]+$' },
      anyOf: [{ propertyNames: { maxLength: 5 }, properties: { b: { type: 'string' } } }],
    },
    newToOld: true,
    oldToNew: false,
    legacy: true,
  },
};

describe(findBreakingChanges.name, () => {
  const sut = findBreakingChanges;

  it.each(Object.entries(table))('%s', (_name, row) => {
    const found = sut(row.published, row.current);
    const verdict = {
      newToOld: found.some((c) => c.direction === 'new-producers→old-consumers'),
      oldToNew: found.some((c) => c.direction === 'old-producers→new-consumers'),
      legacy: legacyFindBreakingChanges(row.published, row.current).length > 0,
    };
    expect(verdict).toEqual({ newToOld: row.newToOld, oldToNew: row.oldToNew, legacy: row.legacy });
  });

  it('names the place and the reason', () => {
    expect(sut(published, changed({ level: z.enum(['county', 'township', 'village']) }))).toEqual([
      { direction: 'new-producers→old-consumers', path: '/properties/level', change: 'value "village" not accepted by the receiving side' },
    ]);
    expect(sut(published, changed({ score: z.number().optional() }))).toEqual([
      { direction: 'new-producers→old-consumers', path: '/properties/score', change: 'may be absent, but the receiving side requires it' },
    ]);
  });

  it('a topic or key change is breaking whatever the payload', () => {
    const moved = { ...published, 'x-topic': 'vanguard.organization.events.v2' };
    expect(sut({ ...published, 'x-topic': 'vanguard.organization.events.v1' }, moved).map((c) => c.path)).toEqual(['/x-topic']);
  });

  it('ignores refinements against a file published before they were recorded', () => {
    const { [REFINEMENTS_RECORDED]: _, ...unrecorded } = published;
    expect(sut(unrecorded, changed({ tags: atMost(3) }))).toEqual([]);
  });

  it('on the county inbound topic an added optional property is breaking: old county systems may send that key with any value', () => {
    const inbound = (s: JsonSchema): JsonSchema => ({ ...s, 'x-topic': COUNTY_INBOUND_TOPIC });
    const withRemark = changed({ remark: z.string().max(10).optional() });

    expect(sut(inbound(published), inbound(withRemark))).toEqual([
      {
        direction: 'old-producers→new-consumers',
        path: '/properties/remark',
        change: 'any value allowed, but the receiving side constrains it',
      },
    ]);
    // The platform's own producers publish only what their contract declares.
    expect(sut(published, withRemark)).toEqual([]);
    // A closed published schema keeps the old rule: nothing undeclared can have been sent.
    const closed = (s: JsonSchema): JsonSchema => inbound({ ...s, additionalProperties: false });
    expect(sut(closed(published), closed(withRemark)).filter((c) => c.direction === 'old-producers→new-consumers')).toEqual([]);
  });

  it('a self-referencing $ref terminates', () => {
    const tree: JsonSchema = {
      $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      $ref: '#/$defs/node',
    };
    expect(sut(tree, tree)).toEqual([]);
  });

  it('a $ref it cannot resolve is breaking unless identical', () => {
    const remote = (ref: string): JsonSchema => ({ type: 'object', properties: { a: { $ref: ref } } });
    expect(sut(remote('https://example.org/a.json'), remote('https://example.org/a.json'))).toEqual([]);
    expect(sut(remote('https://example.org/a.json'), remote('https://example.org/b.json')).length).toBeGreaterThan(0);
  });
});
