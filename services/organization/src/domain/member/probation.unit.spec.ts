import { seededRandom } from '@vanguard/testing';
import { addDays } from '../shared/day';
import { joiningDaysIn, PROBATION_STANDINGS } from './probation';
import { MemberIsFullFromAYearAfterJoiningRule } from './rules/member-is-full-from-a-year-after-joining.rule';
import { ProbationIsExtendedByAtMostAYearRule } from './rules/probation-is-extended-by-at-most-a-year.rule';

/** Where the rules themselves put a member who joined on `joinedOn`, asked of a 转正 dated `today`. */
const standingByTheRules = (joinedOn: string, today: string) =>
  new ProbationIsExtendedByAtMostAYearRule(joinedOn, today).isBroken()
    ? 'overdue'
    : new MemberIsFullFromAYearAfterJoiningRule(joinedOn, today).isBroken()
      ? 'in probation'
      : 'due';

const within = (joinedOn: string, range: { onOrBefore: string; after?: string }) =>
  joinedOn <= range.onOrBefore && (range.after === undefined || joinedOn > range.after);

describe(joiningDaysIn.name, () => {
  it('puts every joining day of the last four years where the probation rules put it, on random days and on every day around 29 February', () => {
    const rnd = seededRandom(1540);
    const leapDays = ['2024', '2025', '2026', '2027', '2028'].flatMap((y) => Array.from({ length: 5 }, (_, i) => addDays(`${y}-02-26`, i)));
    const randomDays = Array.from({ length: 40 }, () => addDays('2001-01-01', Math.floor(rnd() * 365 * 90)));
    const disagreements: string[] = [];
    for (const today of [...leapDays, ...randomDays]) {
      const ranges = Object.fromEntries(PROBATION_STANDINGS.map((s) => [s, joiningDaysIn(s, today)]));
      for (let joinedOn = addDays(today, -4 * 366); joinedOn <= today; joinedOn = addDays(joinedOn, 1)) {
        const byFilter = PROBATION_STANDINGS.filter((s) => within(joinedOn, ranges[s]!)).join() || 'in probation';
        const byRules = standingByTheRules(joinedOn, today);
        if (byFilter !== byRules) disagreements.push(`${today} joined ${joinedOn}: filter ${byFilter}, rules ${byRules}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
