import { DEMO_FIELD_UNITS } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { MemberIsFullFromAYearAfterJoiningRule } from '../../domain/member/rules/member-is-full-from-a-year-after-joining.rule';
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

  it('given 松岭旗, then its probationary members joined from July 2025 to June 2026 and each full member a year before 2026-07-01 at least (ADR 0154)', () => {
    const byStatus = { full: [] as string[], probationary: [] as string[] };
    for (const m of countyMembers(SONGLING, countyOrganizations(SONGLING))) byStatus[m.status].push(m.joinedOn);

    expect(byStatus.probationary.length).toBeGreaterThan(100);
    expect(byStatus.probationary.filter((d) => d < '2025-07-01' || d > '2026-06-30')).toEqual([]);
    expect(new Set(byStatus.probationary.map((d) => d.slice(0, 7))).size).toBe(12);
    expect(byStatus.full.filter((d) => new MemberIsFullFromAYearAfterJoiningRule(d, '2026-07-01').isBroken())).toEqual([]);
  });
});
