import type { BreakdownRow } from '../../infrastructure/sql-breakdown.read-model';
import { levelTitle, statisticsLevels } from './statistics-levels';

const row = (name: string): BreakdownRow => ({ orgId: name, parentId: null, name, level: 'village', code: '91', figures: new Map() });

/** A tree with `sizes[d - 1]` organisations d levels below the root, none further down. */
const tree = (sizes: number[]) => {
  const asked: number[] = [];
  return {
    asked,
    below: {
      count: (depth: number) => Promise.resolve(sizes[depth - 1] ?? 0),
      rows: (depth: number) => {
        asked.push(depth);
        return Promise.resolve(Array.from({ length: sizes[depth - 1]! }, (_, i) => row(`${depth}.${i}`)));
      },
    },
  };
};

describe('the statistics workbook’s levels', () => {
  it('lists every level below, past the fourth (a province has five: city, county, township, general branch, branch)', async () => {
    const t = tree([1, 2, 5, 10, 19, 3]);
    const { levels, omitted } = await statisticsLevels(row('示范省'), 3000, t.below);
    expect(levels.map((l) => [l.title, l.rows.length])).toEqual([
      ['本级', 1],
      ['下一级', 1],
      ['下二级', 2],
      ['下三级', 5],
      ['下四级', 10],
      ['下五级', 19],
      ['下六级', 3],
    ]);
    expect(omitted).toBeUndefined();
  });

  it('stops before the first level that would pass the row limit, names it, and reads none of its rows', async () => {
    const t = tree([2, 5, 40, 7]);
    const { levels, omitted } = await statisticsLevels(row('松岭旗'), 8, t.below);
    expect(levels.map((l) => l.title)).toEqual(['本级', '下一级', '下二级']);
    expect(omitted).toEqual({ title: '下三级', organisations: 40, maxRows: 8 });
    expect(t.asked).toEqual([1, 2]);
  });

  it('lists the organisation alone when nothing lies below it', async () => {
    expect((await statisticsLevels(row('红石村'), 10, tree([]).below)).levels.map((l) => l.title)).toEqual(['本级']);
  });

  it('titles levels in Chinese numerals to nine, then in digits', () => {
    expect([1, 4, 5, 9, 10, 12].map(levelTitle)).toEqual(['下一级', '下四级', '下五级', '下九级', '下10级', '下12级']);
  });
});
