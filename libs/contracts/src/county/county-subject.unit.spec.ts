// Each county message's streamId (its Kafka key, its order and the subject its staleness is judged
// by) is bound to an id in its own data: a county cannot send a member's record under another key.
import { randomUUID } from 'node:crypto';
import type { AnyEventContract } from '../contract';
import {
  CountyDeedRecorded,
  CountyDemocraticReviewTallied,
  CountyMassEvaluationTallied,
  CountyPledgeProgressReported,
  CountyRosterMemberRemoved,
  CountyRosterMemberSynced,
  CountyVisitLogged,
  CountyWindowServicesRecorded,
  countyContracts,
} from './county.contracts';
import { BAIHUA, CADRE, DEED, HONGSHI, MEMBER, PLEDGE, envelope, sut } from './county-contract.fixtures';

/** A valid message of each county type, and the id its stream must carry. */
const samples: ReadonlyArray<readonly [AnyEventContract, string, Record<string, unknown>]> = [
  [
    CountyRosterMemberSynced,
    MEMBER,
    { memberId: MEMBER, orgId: HONGSHI, name: '其木格', status: 'full', joinedOn: '1998-07-01', roles: [], posts: [] },
  ],
  [CountyRosterMemberRemoved, MEMBER, { memberId: MEMBER, orgId: HONGSHI, removedOn: '2011-09-30' }],
  [
    CountyPledgeProgressReported,
    PLEDGE,
    {
      pledgeId: PLEDGE,
      orgId: HONGSHI,
      memberId: MEMBER,
      quarter: '2011-Q2',
      itemsPledged: 3,
      itemsCompleted: 2,
      reportedOn: '2011-06-20',
      note: '村道边沟清淤完成',
    },
  ],
  [
    CountyDemocraticReviewTallied,
    MEMBER,
    {
      memberId: MEMBER,
      orgId: HONGSHI,
      year: 2011,
      heldOn: '2012-01-12',
      ballotsIssued: 23,
      ballotsReturned: 22,
      votes: { excellent: 9, qualified: 11, basically_qualified: 1, unqualified: 0 },
    },
  ],
  [
    CountyMassEvaluationTallied,
    BAIHUA,
    {
      orgId: BAIHUA,
      memberId: null,
      period: '2011-Q3',
      heldOn: '2011-09-26',
      ballotsIssued: 120,
      ballotsReturned: 114,
      votes: { satisfied: 98, basically_satisfied: 13, dissatisfied: 1 },
    },
  ],
  [
    CountyMassEvaluationTallied,
    MEMBER,
    {
      orgId: HONGSHI,
      memberId: MEMBER,
      period: '2011',
      heldOn: '2011-12-26',
      ballotsIssued: 40,
      ballotsReturned: 40,
      votes: { satisfied: 30, basically_satisfied: 9, dissatisfied: 1 },
    },
  ],
  [
    CountyDeedRecorded,
    DEED,
    { deedId: DEED, orgId: HONGSHI, helperUnitName: '松岭旗农牧业局', category: 'road_hardening', title: '村道硬化', doneOn: '2011-08-15' },
  ],
  [
    CountyVisitLogged,
    CADRE,
    {
      visitId: randomUUID(),
      cadreId: CADRE,
      cadreName: '王建国',
      orgId: HONGSHI,
      visitedOn: '2011-07-08',
      householdRefs: ['HS-2011-017'],
      summary: '反映冬季饮水困难',
    },
  ],
  [
    CountyWindowServicesRecorded,
    HONGSHI,
    { orgId: HONGSHI, batchId: 'hs-window-2011-06', records: [{ recordId: 'r-1', kind: 'service_given', on: '2011-06-03' }] },
  ],
];

describe('county message subjects', () => {
  it('WhenACountyContractIsAdded_ItBindsItsStreamToItsData', () => {
    expect(countyContracts.filter((c) => !c.subject).map((c) => c.type)).toEqual([]);
    expect(new Set(samples.map(([c]) => c.type))).toEqual(new Set(countyContracts.map((c) => c.type)));
  });

  it.each(samples.map(([c, id, data]) => [c.type, c, id, data] as const))(
    '%s: accepted on its own subject’s stream',
    (_type, contract, id, data) => {
      expect(sut.validate(envelope(contract, id, data))).toMatchObject({ ok: true });
    },
  );

  it.each(samples.map(([c, id, data]) => [c.type, c, id, data] as const))(
    '%s: WhenTheStreamNamesAnotherSubject_IsRefusedNamingTheBoundOne',
    (_type, contract, id, data) => {
      for (const other of [randomUUID(), `${id}-x`, id.toUpperCase(), ` ${id}`, ''].filter((o) => o !== id)) {
        const r = sut.validate(envelope(contract, other, data));
        expect(r).toMatchObject({ ok: false, reason: 'schema-violation' });
        expect(r.ok || r.message).toContain(`here ${contract.stream}-${id}, got ${contract.stream}-${other}`);
      }
    },
  );

  it('WhenAMassEvaluationNamesAMember_TheMemberIsItsSubject_NotTheOrganisation', () => {
    const [, , data] = samples.find(([c, id]) => c === CountyMassEvaluationTallied && id === MEMBER)!;
    expect(sut.validate(envelope(CountyMassEvaluationTallied, HONGSHI, data))).toMatchObject({ ok: false });
  });
});
