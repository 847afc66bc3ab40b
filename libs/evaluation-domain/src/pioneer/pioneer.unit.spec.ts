import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathInputs } from '../org-path';
import type { PioneerCommand } from './pioneer.commands';
import { pioneerDecider } from './pioneer.decide';
import type { PioneerEvent } from './pioneer.events';
import {
  CandidateIsNominatedOnceRule,
  NomineeBelongsToTheSubtreeRule,
  OnlyANomineeIsSelectedOnceRule,
  PioneerIsCarriedByAMajorityRule,
  PioneerIsSelectedByItsOrganisationRule,
  PioneersAreNominatedInAnOpenCycleRule,
} from './pioneer.rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const OTHER = '00000000-0000-4000-8000-000910425102';
const CYCLE = '01930000-0000-7000-8000-0000000000c2';
const MEMBER = { kind: 'member', id: '01930000-0000-7000-8000-0000000000a1' } as const;
const OTHER_MEMBER = { kind: 'member', id: '01930000-0000-7000-8000-0000000000a2' } as const;
const PATH = pathAtVersionZero([PROVINCE, COUNTY, TOWNSHIP]);
const VILLAGE = '00000000-0000-4000-8000-910425101201';
/** A member active in a village below the township, as the roster says. */
const inVillage = { known: true, active: true, orgPath: [PROVINCE, COUNTY, TOWNSHIP, VILLAGE] };
const secretary = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };

const nominate = (candidate: typeof MEMBER | typeof OTHER_MEMBER = MEMBER, cycleOpen = true, standing = inVillage): PioneerCommand => ({
  type: 'NominateQuarterPioneer',
  data: { orgId: TOWNSHIP, cycleId: CYCLE, candidate, deeds: '带领群众修通村道', cycleOpen, standing },
});
const nominated: PioneerEvent = {
  type: 'evaluation.QuarterPioneerNominated',
  data: { orgId: TOWNSHIP, cycleId: CYCLE, candidate: MEMBER, deeds: '带领群众修通村道' },
};
const select = (
  votesFor = 30,
  votesCast = 41,
  decidedBy = secretary,
  candidate: typeof MEMBER | typeof OTHER_MEMBER = MEMBER,
): PioneerCommand => ({
  type: 'SelectQuarterPioneer',
  data: { candidate, votesFor, votesCast, decidedBy, orgPath: PATH, reason: '党员大会投票' },
});
const selected: PioneerEvent = {
  type: 'evaluation.QuarterPioneerSelected',
  data: {
    orgId: TOWNSHIP,
    cycleId: CYCLE,
    candidate: MEMBER,
    votesFor: 30,
    votesCast: 41,
    decision: {
      decidedBy: secretary,
      inputs: [{ streamId: `pioneer-${TOWNSHIP}-${CYCLE}`, version: 1 }, ...pathInputs(PATH)],
      rule: { id: 'evaluation.pioneer.majority', version: 1 },
      checks: [{ id: 'evaluation.pioneer.selected-by-organisation', version: 1 }],
      reason: '党员大会投票',
    },
  },
};
const spec = specificationFor(pioneerDecider);

describe('pioneerDecider', () => {
  it('nominates a candidate in an open cycle', () => spec.given([]).when(nominate()).then([nominated]));
  it('nominates nobody in a closed cycle', () =>
    spec.given([]).when(nominate(MEMBER, false)).thenRefuses(PioneersAreNominatedInAnOpenCycleRule));
  it.each([
    ['a member the roster does not know', { known: false, active: false, orgPath: [] }],
    ['a member who has left', { ...inVillage, active: false }],
    ['a member of another township', { ...inVillage, orgPath: [PROVINCE, COUNTY, OTHER] }],
    ['a member of the county above', { ...inVillage, orgPath: [PROVINCE, COUNTY] }],
  ])('nominates no %s', (_, standing) =>
    spec
      .given([])
      .when(nominate(MEMBER, true, standing))
      .thenRefuses(NomineeBelongsToTheSubtreeRule),
  );
  it('nominates a member of the nominating organisation itself', () =>
    spec
      .given([])
      .when(nominate(MEMBER, true, { ...inVillage, orgPath: [PROVINCE, COUNTY, TOWNSHIP] }))
      .then([nominated]));
  it('nominates a candidate once a quarter', () => spec.given([nominated]).when(nominate()).thenRefuses(CandidateIsNominatedOnceRule));
  it('selects a nominee carried by a majority, recording the votes and the rule', () =>
    spec.given([nominated]).when(select()).then([selected]));
  it('selects only a nominee', () =>
    spec
      .given([nominated])
      .when(select(30, 41, secretary, OTHER_MEMBER))
      .thenRefuses(OnlyANomineeIsSelectedOnceRule));
  it('selects a pioneer once', () => spec.given([nominated, selected]).when(select()).thenRefuses(OnlyANomineeIsSelectedOnceRule));
  it.each([
    [20, 40],
    [0, 1],
    [42, 41],
  ])('refuses %i of %i votes', (votesFor, votesCast) =>
    spec.given([nominated]).when(select(votesFor, votesCast)).thenRefuses(PioneerIsCarriedByAMajorityRule),
  );
  it('is selected by the organisation or above, not a neighbour', () =>
    spec
      .given([nominated])
      .when(select(30, 41, { ...secretary, orgId: OTHER }))
      .thenRefuses(PioneerIsSelectedByItsOrganisationRule));
});
