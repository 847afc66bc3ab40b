import { toStorableText } from '@vanguard/contracts';
import { findUnstorableText, MAX_BODY_DEPTH, StorableTextPipe } from './storable-text';
import { isLoopback } from './operator-endpoints';

describe(StorableTextPipe.name, () => {
  const sut = new StorableTextPipe();

  it('transform_WhenEveryStringIsStorable_ReturnsTheValueUnchanged', () => {
    const body = { name: '红石村党支部', tags: ['a', 'b'], nested: { note: 'ok 😀' }, count: 3 };

    expect(sut.transform(body, { type: 'body' })).toBe(body);
  });

  it('transform_WhenANestedStringHoldsNul_Answers400NamingItsPath', () => {
    const refusal = (() => {
      try {
        sut.transform({ rows: [{ name: 'ok' }, { name: 'a\u0000b' }] }, { type: 'body' });
      } catch (e) {
        return (e as { getResponse(): unknown }).getResponse();
      }
      return undefined;
    })();

    expect(refusal).toMatchObject({
      code: 'REQUEST.INVALID',
      errors: [{ field: 'rows[1].name', reason: expect.stringContaining('NUL') }],
    });
  });

  it('transform_WhenAParsedBodyHasAProtoField_Answers400NamingEachOne', () => {
    const body: unknown = JSON.parse('{"__proto__":{"admin":true},"scores":[{"unitId":"u","__proto__":{"score":9}}],"note":"ok"}');
    const refusal = (() => {
      try {
        sut.transform(body, { type: 'body' });
      } catch (e) {
        return (e as { getResponse(): unknown }).getResponse();
      }
      return undefined;
    })();

    expect(refusal).toMatchObject({ code: 'REQUEST.INVALID' });
    expect((refusal as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['__proto__', 'scores[0].__proto__']);
  });

  // The validation pipe's whitelist took these for declared fields: `"constructor": {…}` got a 201 where `"zzz": 1` got a 400.
  it('transform_WhenAFieldIsNamedLikeAnyInheritedProperty_Answers400NamingIt_AtTheTopNestedAndInALine', () => {
    const names = Object.getOwnPropertyNames(Object.prototype);
    expect(names).toEqual(
      expect.arrayContaining(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__']),
    );
    for (const name of names) {
      const body: unknown = JSON.parse(`{"name":"n","${name}":{"x":1},"first":{"${name}":"x"},"lines":[{"title":"t"},{"${name}":[]}]}`);
      const fields = (() => {
        try {
          sut.transform(body, { type: 'body' });
        } catch (e) {
          return ((e as { getResponse(): { errors: { field: string; reason: string }[] } }).getResponse().errors ?? []).map((p) => p.field);
        }
        return [];
      })();
      expect({ name, fields: fields.sort() }).toEqual({ name, fields: [`first.${name}`, `lines[1].${name}`, name].sort() });
    }
  });

  it('findUnstorableText_WhenAFieldIsOnlyNamedLikeAPrototype_AcceptsIt', () => {
    expect(findUnstorableText(JSON.parse('{"proto":1,"constructorName":"x","a":{"__proto":2}}'))).toEqual([]);
  });

  it('transform_WhenThousandsOfFieldsAreBad_NamesTheFirstTwentyAndCountsTheRest', () => {
    const rows = Array.from({ length: 5000 }, () => ({ name: 'a\u0000b' }));
    const refusal = (() => {
      try {
        sut.transform({ rows }, { type: 'body' });
      } catch (e) {
        return (e as { getResponse(): { message: string; errors: unknown[] } }).getResponse();
      }
      return undefined;
    })();

    expect(refusal?.errors).toHaveLength(20);
    expect(refusal?.message).toContain('4980 more (5000 in all)');
  });

  it('findUnstorableText_WhenASurrogateIsUnpaired_NamesIt', () => {
    expect(findUnstorableText({ a: 'x\ud800', b: '\udc00y', c: '\ud83d\ude00' })).toEqual([
      { field: 'a', reason: expect.stringContaining('unpaired surrogate') },
      { field: 'b', reason: expect.stringContaining('unpaired surrogate') },
    ]);
  });

  it.each(['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'])(
    'findUnstorableText_WhenTextHoldsTheDirectionControl_%j_NamesItAndTheCodePoint',
    (control) => {
      const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase()}`;

      expect(findUnstorableText({ name: `abc${control}gnp.exe` })).toEqual([
        { field: 'name', reason: expect.stringContaining(`bidirectional control (${code})`) },
      ]);
    },
  );

  it('findUnstorableText_WhenTextIsArabicScriptOrCarriesOnlyDirectionMarks_AcceptsIt', () => {
    expect(findUnstorableText({ a: 'ئۇيغۇرچە 红石村 2026', b: 'x\u200ey\u200fz\u061c', c: 'عربي (123)' })).toEqual([]);
  });

  it('findUnstorableText_WhenTextHoldsAControlOrNoncharacterNoDocumentCanHold_NamesItAndKeepsTabsAndLineBreaks', () => {
    const body = { a: 'x\u0001y', b: '\u001b[31m', c: 'name\ufffe', d: '\uffff', e: 'a\tb\nc\r\nd', f: 'x\u007fy\u0085z' };
    expect(findUnstorableText(body).map((p) => [p.field, p.reason.match(/U\+[0-9A-F]{4}/)?.[0]])).toEqual([
      ['a', 'U+0001'],
      ['b', 'U+001B'],
      ['c', 'U+FFFE'],
      ['d', 'U+FFFF'],
    ]);
    expect(toStorableText('a\u0001b\u000bc\uffffd\te\n')).toBe('a\ufffdb\ufffdc\ufffdd\te\n');
  });

  it('toStorableText_ReplacesEveryDirectionControlNulAndHalfSurrogate_AndKeepsTheRest', () => {
    expect(toStorableText('a\u202eb\u2066c\u0000d\ud800e\u200f😀')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\u200f😀');
  });

  it('findUnstorableText_WhenAKeyHoldsNul_NamesTheObject', () => {
    expect(findUnstorableText({ outer: { ['k\u0000']: 1 } })).toEqual([
      { field: 'outer', reason: expect.stringMatching(/^字段名含有.* \/ field name contains/) },
    ]);
  });

  it('transform_WhenAPathParameterHoldsNul_NamesTheParameter', () => {
    expect(() => sut.transform('ab\u0000', { type: 'param', data: 'id' })).toThrow(/id: .*NUL/);
  });

  it('findUnstorableText_WhenNestedVeryDeeply_NamesWhereItGoesTooDeep_WithoutOverflowingTheStack', () => {
    let deep: unknown = 'ok';
    for (let i = 0; i < 200_000; i++) deep = [deep];

    expect(findUnstorableText({ scores: deep })).toEqual([
      {
        field: `scores${'[0]'.repeat(MAX_BODY_DEPTH - 1)}`,
        reason: expect.stringContaining(`nested deeper than ${MAX_BODY_DEPTH} levels`),
      },
    ]);
  });

  it('findUnstorableText_AcceptsNestingUpToTheLimit_AndNamesTheFirstLevelPastIt', () => {
    const nest = (levels: number): unknown => {
      let v: unknown = 'leaf';
      for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
      return v;
    };

    expect(findUnstorableText(nest(MAX_BODY_DEPTH))).toEqual([]);
    expect(findUnstorableText(nest(MAX_BODY_DEPTH + 1))).toHaveLength(1);
  });

  it('transform_WhenTheValueIsABuffer_LeavesItToItsReader', () => {
    const file = Buffer.from('a\u0000b');

    expect(sut.transform(file, { type: 'body' })).toBe(file);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:10.0.0.1', false],
    ['fd00::2', false],
    [undefined, false],
  ])('isLoopback(%s) is %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
