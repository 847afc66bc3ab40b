import { specificationFor } from '@vanguard/kernel/testing';
import { pathInputs } from '../org-path';
import { massTallyDecider } from './mass-tally.decide';
import type { MassTallyEvent } from './mass-tally.events';
import { MemberIsEvaluatedInTheirBranchRule, TallyIsNotOlderThanTheRecordedOneRule } from './mass-tally.rules';

const VILLAGE = '00000000-0000-4000-8000-910425101201';
const MEMBER = '01930000-0000-7000-8000-0000000000c1';
const county = { sub: 'service-account-county-songling', role: 'county_system', orgId: VILLAGE };
const ORG_PATH = ['00000000-0000-4000-8000-000000000091', '00000000-0000-4000-8000-000910425101', VILLAGE].map((orgId, i) => ({
  orgId,
  version: 2 + i,
}));
const sut = specificationFor(massTallyDecider);

const record = (over: { heldOn?: string; memberInOrg?: boolean | null; member?: boolean } = {}) =>
  ({
    type: 'RecordMassEvaluationTally',
    data: {
      subject: over.member ? ({ kind: 'member', id: MEMBER } as const) : ({ kind: 'organization', id: VILLAGE } as const),
      orgId: VILLAGE,
      period: '2011',
      heldOn: over.heldOn ?? '2011-12-20',
      ballotsIssued: 60,
      ballotsReturned: 58,
      tally: { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 },
      decidedBy: county,
      orgPath: ORG_PATH,
      memberInOrg: over.memberInOrg ?? (over.member ? true : null),
    },
  }) as const;

const recorded = (heldOn: string, version = 0): MassTallyEvent => ({
  type: 'evaluation.MassEvaluationTallyRecorded',
  data: {
    subject: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    period: '2011',
    heldOn,
    ballotsIssued: 60,
    ballotsReturned: 58,
    tally: { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 },
    satisfactionPermille: 965,
    decision: {
      decidedBy: county,
      inputs: [{ streamId: `mass-tally-${VILLAGE}-2011`, version }, ...pathInputs(ORG_PATH)],
      rule: { id: 'evaluation.satisfaction-rate', version: 1 },
      checks: [{ id: 'evaluation.mass-tally.not-older', version: 1 }],
      reason: '收回 58 票，满意度 96.5%',
    },
  },
});

describe('massTallyDecider', () => {
  it('given no count, when a county count is recorded, then it records the tally with the satisfaction rate and what it read', () => {
    sut
      .given([])
      .when(record())
      .then([recorded('2011-12-20')]);
  });

  it('given a recorded count, when a later count for the same period arrives, then it replaces it', () => {
    sut
      .given([recorded('2011-12-20')])
      .when(record({ heldOn: '2011-12-28' }))
      .thenMatches((events) => {
        expect(events[0]!.data.heldOn).toBe('2011-12-28');
        expect(events[0]!.data.decision.inputs[0]).toEqual({ streamId: `mass-tally-${VILLAGE}-2011`, version: 1 });
      });
  });

  it('given a recorded count, when an older count arrives, then it is refused and the recorded one stays', () => {
    sut
      .given([recorded('2011-12-20')])
      .when(record({ heldOn: '2011-12-01' }))
      .thenRefuses(TallyIsNotOlderThanTheRecordedOneRule, 'MASS_TALLY.OLDER_THAN_RECORDED');
  });

  it('given a member not active in the organisation named, when their count is recorded, then it is refused', () => {
    sut
      .given([])
      .when(record({ member: true, memberInOrg: false }))
      .thenRefuses(MemberIsEvaluatedInTheirBranchRule);
  });

  it('given a count without votes, when recorded, then the rate is null rather than zero', () => {
    const none = record();
    sut
      .given([])
      .when({ ...none, data: { ...none.data, tally: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 } } })
      .thenMatches((events) => expect(events[0]!.data.satisfactionPermille).toBeNull());
  });
});
