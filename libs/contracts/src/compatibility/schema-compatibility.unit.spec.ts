import { z } from 'zod';
import { findBreakingChanges } from './schema-compatibility';

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;

const published = json(
  z.object({
    id: z.uuid(),
    level: z.enum(['county', 'township']),
    score: z.number(),
    parentId: z.uuid().nullable(),
    note: z.string().max(100).optional(),
    tags: z.array(z.string()),
  }),
);

function changed(shape: Record<string, z.ZodType>) {
  return findBreakingChanges(
    published,
    json(
      z.object({
        id: z.uuid(),
        level: z.enum(['county', 'township']),
        score: z.number(),
        parentId: z.uuid().nullable(),
        note: z.string().max(100).optional(),
        tags: z.array(z.string()),
        ...shape,
      }),
    ),
  );
}

describe(findBreakingChanges.name, () => {
  const sut = findBreakingChanges;

  it('WhenNothingChanged_FindsNothing', () => {
    expect(sut(published, published)).toEqual([]);
  });

  it('WhenAnOptionalFieldIsAdded_FindsNothing', () => {
    expect(changed({ remark: z.string().optional() })).toEqual([]);
  });

  it('WhenAnEnumGainsAValueOrABoundLoosens_FindsNothing', () => {
    expect(changed({ level: z.enum(['county', 'township', 'village']), note: z.string().max(200).optional() })).toEqual([]);
  });

  it('WhenAFieldIsRemoved_ReportsIt', () => {
    const { note: _, ...rest } = published['properties'] as Record<string, unknown>;
    expect(sut(published, { ...published, properties: rest })).toEqual([{ path: '/properties/note', change: 'property removed' }]);
  });

  it('WhenAnOptionalFieldBecomesRequired_ReportsIt', () => {
    expect(changed({ note: z.string().max(100) })).toEqual([{ path: '/properties/note', change: 'optional property became required' }]);
  });

  it('WhenARequiredFieldIsAdded_ReportsIt', () => {
    expect(changed({ sector: z.string() })).toEqual([{ path: '/properties/sector', change: 'required property added' }]);
  });

  it('WhenAnEnumLosesAValue_ReportsTheValue', () => {
    expect(changed({ level: z.enum(['county']) })).toEqual([{ path: '/properties/level', change: 'enum value "township" removed' }]);
  });

  it('WhenATypeNarrows_ReportsIt', () => {
    expect(changed({ score: z.number().int() }).map((c) => c.path)).toContain('/properties/score');
    expect(changed({ score: z.string() })[0]?.change).toMatch(/type number no longer accepted/);
  });

  it('WhenANullableFieldBecomesNonNullable_ReportsIt', () => {
    expect(changed({ parentId: z.uuid() }).map((c) => c.path)).toEqual(['/properties/parentId']);
  });

  it('WhenABoundTightens_ReportsIt', () => {
    expect(changed({ note: z.string().max(50).optional() })).toEqual([{ path: '/properties/note', change: 'maxLength tightened to 50' }]);
  });

  it('WhenArrayItemsNarrow_ReportsThePathInsideTheArray', () => {
    expect(changed({ tags: z.array(z.enum(['a'])) }).map((c) => c.path)).toEqual(['/properties/tags/items']);
  });
});
