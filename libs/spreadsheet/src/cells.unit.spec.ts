import { unstorableCells } from './cells';

describe(unstorableCells.name, () => {
  it('WhenACellHoldsNulOrHalfASurrogatePair_NamesItsColumn', () => {
    const cells = { name: '红石村\u0000饮水', note: 'ok', code: '\ud800x', empty: undefined };
    expect(unstorableCells(cells).map((c) => c.column)).toEqual(['name', 'code']);
    expect(unstorableCells(cells)[0]!.reason).toMatch(/NUL|U\+0000/i);
  });

  it('WhenColumnsAreNamed_ChecksOnlyThose', () => {
    expect(unstorableCells({ name: 'ok', ignored: '\u0000' }, ['name'])).toEqual([]);
  });
});
