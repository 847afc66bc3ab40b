import { unstorableCells } from './cells';

describe(unstorableCells.name, () => {
  it('WhenACellHoldsNulOrHalfASurrogatePair_NamesItsColumn', () => {
    const cells = { name: '红石村\u0000饮水', note: 'ok', code: '\ud800x', empty: undefined };
    expect(unstorableCells(cells).map((c) => c.column)).toEqual(['name', 'code']);
    expect(unstorableCells(cells)[0]!.reason).toMatch(/NUL|U\+0000/i);
  });

  it('WhenACellHoldsADirectionOverride_NamesItsColumnAndTheControl', () => {
    expect(unstorableCells({ name: '张三\u202e四李', note: '备注\u200f' })).toEqual([
      { column: 'name', reason: expect.stringContaining('U+202E') },
    ]);
  });

  it('WhenColumnsAreNamed_ChecksOnlyThose', () => {
    expect(unstorableCells({ name: 'ok', ignored: '\u0000' }, ['name'])).toEqual([]);
  });
});
