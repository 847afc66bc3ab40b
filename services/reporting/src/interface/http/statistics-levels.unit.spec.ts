import type { BreakdownRow } from '../../infrastructure/sql-breakdown.read-model';
import { QueryStopped } from '../../infrastructure/stoppable-query';
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

  /** `t`'s levels, each query recorded in `asked`; `leaveAt` is called as a query begins. */
  const recorded = (t: ReturnType<typeof tree>, leaveAt: (query: string) => void = () => undefined) => {
    const asked: string[] = [];
    const ask = <T>(query: string, read: () => Promise<T>) => {
      asked.push(query);
      leaveAt(query);
      return read();
    };
    return {
      asked,
      below: {
        count: (depth: number) => ask(`count ${depth}`, () => t.below.count(depth)),
        rows: (depth: number) => ask(`rows ${depth}`, () => t.below.rows(depth)),
      },
    };
  };

  it('sends no further query once its caller has left: the level being read is the last', async () => {
    const caller = new AbortController();
    // The caller leaves while the second level's rows are read (a stoppable query would cancel that statement).
    const r = recorded(tree([2, 5, 40, 7]), (query) => query === 'rows 2' && caller.abort());
    const stopped = statisticsLevels(row('示范省'), 3000, r.below, caller.signal);
    await expect(stopped).rejects.toThrow(QueryStopped);
    await expect(stopped).rejects.toMatchObject({ why: 'cancelled' });
    expect(r.asked).toEqual(['count 1', 'rows 1', 'count 2', 'rows 2']);
  });

  it('sends no query at all when its caller left before the first level', async () => {
    const caller = new AbortController();
    caller.abort();
    const r = recorded(tree([2, 5]));
    await expect(statisticsLevels(row('松岭旗'), 3000, r.below, caller.signal)).rejects.toMatchObject({ why: 'cancelled' });
    expect(r.asked).toEqual([]);
  });

  it('lists the organisation alone when nothing lies below it', async () => {
    expect((await statisticsLevels(row('红石村'), 10, tree([]).below)).levels.map((l) => l.title)).toEqual(['本级']);
  });

  it('titles levels in Chinese numerals to nine, then in digits', () => {
    expect([1, 4, 5, 9, 10, 12].map(levelTitle)).toEqual(['下一级', '下四级', '下五级', '下九级', '下10级', '下12级']);
  });
});
