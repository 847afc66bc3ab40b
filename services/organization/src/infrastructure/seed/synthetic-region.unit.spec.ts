import { DEMO_FIELD_UNITS } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { MemberIsFullFromAYearAfterJoiningRule } from '../../domain/member/rules/member-is-full-from-a-year-after-joining.rule';
import { ProbationIsExtendedByAtMostAYearRule } from '../../domain/member/rules/probation-is-extended-by-at-most-a-year.rule';
import { SONGLING, countyMembers, countyOrganizations } from './synthetic-region';

describe(countyOrganizations.name, () => {
  it('given 松岭旗, then its 541 organisations include each field unit of the demo, at its code, under the county, by its demo name', () => {
    const orgs = countyOrganizations(SONGLING);
    const byCode = new Map(orgs.map((o) => [o.code, o]));

    expect(orgs).toHaveLength(541);
    for (const unit of DEMO_FIELD_UNITS) {
      expect(byCode.get(unit.code)).toMatchObject({
        id: demoOrgId(unit.code),
        name: unit.name,
        level: 'village',
        parentCode: SONGLING.code,
      });
    }
  });
});

describe(countyMembers.name, () => {
  it('given a county of 20,000 members (births past 1990, which the 2010 cap on joining years meets), then each joined on or after the eighteenth birthday its ID number gives (ADR 0151)', () => {
    const plan = { ...SONGLING, members: 20_000 };
    const young: string[] = [];
    let latestBirth = '';
    for (const m of countyMembers(plan, countyOrganizations(plan))) {
      const [by, bm, bd] = [m.idNumber.slice(6, 10), m.idNumber.slice(10, 12), m.idNumber.slice(12, 14)].map(Number) as [
        number,
        number,
        number,
      ];
      const [jy, jm, jd] = m.joinedOn.split('-').map(Number) as [number, number, number];
      if (jy - by - (jm < bm || (jm === bm && jd < bd) ? 1 : 0) < 18) young.push(`${m.idNumber.slice(6, 14)} ${m.joinedOn}`);
      if (m.idNumber.slice(6, 14) > latestBirth) latestBirth = m.idNumber.slice(6, 14);
    }
    expect(latestBirth > '19930000').toBe(true);
    expect(young).toEqual([]);
  });

  it.each(['2026-07-01', '2027-01-15', '2028-03-01'])(
    'given 松岭旗 as of %s, then its probationary members are half in probation and half due for 转正, none overdue, and each full member joined a year before (ADR 0154)',
    (asOf) => {
      const byStatus = { full: [] as string[], probationary: [] as string[] };
      for (const m of countyMembers(SONGLING, countyOrganizations(SONGLING), asOf)) byStatus[m.status].push(m.joinedOn);
      const standing = (joinedOn: string) =>
        new ProbationIsExtendedByAtMostAYearRule(joinedOn, asOf).isBroken()
          ? 'overdue'
          : new MemberIsFullFromAYearAfterJoiningRule(joinedOn, asOf).isBroken()
            ? 'in probation'
            : 'due';
      const standings = byStatus.probationary.map(standing);

      expect(byStatus.probationary.length).toBeGreaterThan(100);
      expect(byStatus.probationary.filter((d) => d > asOf)).toEqual([]);
      expect(standings.filter((s) => s === 'overdue')).toEqual([]);
      for (const s of ['in probation', 'due'])
        expect(standings.filter((x) => x === s).length).toBeGreaterThan(byStatus.probationary.length / 3);
      expect(byStatus.full.filter((d) => new MemberIsFullFromAYearAfterJoiningRule(d, asOf).isBroken())).toEqual([]);
    },
  );
});
