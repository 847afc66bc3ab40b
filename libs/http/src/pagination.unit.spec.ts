import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PaginationQuery } from './pagination';

const check = (query: Record<string, string>) => {
  const q = plainToInstance(PaginationQuery, query);
  return { q, refused: validateSync(q).map((e) => e.property) };
};

describe(PaginationQuery.name, () => {
  it('reads limit and offset written in decimal digits', () => {
    const { q, refused } = check({ limit: '20', offset: '40' });
    expect([q.limit, q.offset, refused]).toEqual([20, 40, []]);
  });

  // Number() reads all of these as numbers: 0x10 as 16, 1e3 as 1000, '' and ' ' as 0.
  it.each(['0x10', '1e3', ' 5 ', '', ' ', '0b11', '5.0', 'Infinity', '1_000'])('refuses offset=%p naming offset', (offset) => {
    expect(check({ offset }).refused).toEqual(['offset']);
  });

  it('still refuses a negative offset and a limit past the bound', () => {
    expect(check({ offset: '-1', limit: '201' }).refused.sort()).toEqual(['limit', 'offset']);
  });
});
