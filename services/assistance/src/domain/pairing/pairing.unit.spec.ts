import { PeriodMustNotEndBeforeItStarts } from '../shared/period.rules';
import type { Village } from '../shared/village';
import { refusedBy } from '../testing/refusal';
import { formPairing, type FormPairing } from './pairing';
import {
  GuidingTownshipMustBeAboveTheVillage,
  LaggingVillageNeedsAPlanAndTheFiveFixedPoints,
  OnlyALaggingVillageHasARectificationPlan,
} from './pairing.rules';

const village: Village = { id: 'v1', name: '红石村', level: 'village', sector: 'rural', status: 'active', path: ['county', 'town', 'v1'] };
const base: FormPairing = {
  id: 'p1',
  helperUnitName: '旗交通运输局',
  from: '2011-03-01',
  to: '2013-12-31',
  goals: ['硬化道路'],
  lagging: false,
};
const points = {
  leaderSub: 'leader',
  townshipOrgId: 'town',
  helperUnitName: '旗交通运输局',
  cadreMemberId: 'member',
  supervisingOffice: '组织部组织股',
};

describe(formPairing.name, () => {
  it('pairs a unit with a village and says so in PairingFormed', () => {
    const { pairing, events } = formPairing(base, village);
    expect(pairing.orgId).toBe('v1');
    expect(events[0]!.data).toEqual({
      pairingId: 'p1',
      orgId: 'v1',
      helperUnitName: '旗交通运输局',
      from: '2011-03-01',
      to: '2013-12-31',
      goals: ['硬化道路'],
      lagging: false,
    });
  });

  it('gives a lagging village its one-village plan and all five fixed points, or refuses', () => {
    const lagging = { ...base, lagging: true };
    expect(refusedBy(() => formPairing(lagging, village), LaggingVillageNeedsAPlanAndTheFiveFixedPoints)).toBe(true);
    expect(
      refusedBy(() => formPairing({ ...lagging, villagePlan: '一村一策' }, village), LaggingVillageNeedsAPlanAndTheFiveFixedPoints),
    ).toBe(true);
    const ok = formPairing({ ...lagging, villagePlan: '一村一策', fiveFixedPoints: points }, village);
    expect(ok.events[0]!.data).toMatchObject({ lagging: true, villagePlan: '一村一策', fiveFixedPoints: points });
  });

  it('refuses a plan for a village that is not lagging, a guiding township elsewhere, and a period that ends before it starts', () => {
    expect(refusedBy(() => formPairing({ ...base, villagePlan: '一村一策' }, village), OnlyALaggingVillageHasARectificationPlan)).toBe(
      true,
    );
    const elsewhere = { ...base, lagging: true, villagePlan: '一村一策', fiveFixedPoints: { ...points, townshipOrgId: 'other-town' } };
    expect(refusedBy(() => formPairing(elsewhere, village), GuidingTownshipMustBeAboveTheVillage)).toBe(true);
    const selfGuided = { ...elsewhere, fiveFixedPoints: { ...points, townshipOrgId: 'v1' } };
    expect(refusedBy(() => formPairing(selfGuided, village), GuidingTownshipMustBeAboveTheVillage)).toBe(true);
    expect(refusedBy(() => formPairing({ ...base, to: '2011-02-28' }, village), PeriodMustNotEndBeforeItStarts)).toBe(true);
  });
});
