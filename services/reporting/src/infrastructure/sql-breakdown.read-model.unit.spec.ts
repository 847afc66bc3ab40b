import { FIGURES } from '../domain/figures';
import { figuresOf } from './sql-breakdown.read-model';

const roster = { organizations: '3', contact_points: '2', contact_orgs: '2', members: '40' };

describe('figuresOf (one row of a breakdown)', () => {
  it("lists every figure in FIGURES' order, the row's own values where it has them and no data elsewhere", () => {
    const figures = figuresOf({
      ...roster,
      // In an order other than FIGURES', as a JSON object from Postgres may be.
      facts: { satisfaction: [1_930, 2, 2], deeds: [4, 4, 4], pledges_made: [7, 7, 7] },
    });
    expect([...figures.keys()]).toEqual(FIGURES.map((d) => d.key));
    const own: Record<string, [number | null, number]> = {
      organizations: [3, 3],
      contact_points: [2, 2],
      members: [40, 40],
      satisfaction: [965, 2], // a rate: the weighted mean, 1,930 / 2
      deeds: [4, 4],
      pledges_made: [7, 7],
    };
    for (const [key, v] of figures) expect([key, v.value, v.events]).toEqual([key, ...(own[key] ?? [null, 0])]);
  });

  it('ignores a key FIGURES does not define, a roster figure among the facts and a sum of no events', () => {
    const plain = figuresOf({ ...roster, facts: { deeds: [4, 4, 4] } });
    const odd = figuresOf({
      ...roster,
      facts: { deeds: [4, 4, 4], no_such_figure: [9, 9, 9], members: [999, 999, 999], pledges_made: [0, 0, 0] },
    });
    expect([...odd.entries()]).toEqual([...plain.entries()]);
    expect(odd.get('members')?.value).toBe(40);
    expect(odd.get('pledges_made')).toMatchObject({ value: null, events: 0 });
    expect(odd.has('no_such_figure')).toBe(false);
  });

  it('gives each row a map of its own: one row setting a value leaves the next without it', () => {
    const first = figuresOf({ ...roster, facts: { deeds: [4, 4, 4] } });
    const second = figuresOf({ organizations: null, contact_points: null, contact_orgs: null, members: null, facts: null } as never);
    expect(first.get('deeds')?.value).toBe(4);
    expect(second.get('deeds')).toMatchObject({ value: null, events: 0 });
    expect(second.get('members')).toMatchObject({ value: null, events: 0 });
  });
});
