// Every county inbound contract, checked the way a consumer checks it: through the public
// registry, on a whole envelope. Demo data is shaped like the seed documents: 松岭旗 (910425)
// under 青山市 (9104), 白桦镇 (910425101), 红石村 (910425101201).
import { randomUUID } from 'node:crypto';
import { demoOrgId } from '@vanguard/infra-config';
import type { AnyEventContract } from '../contract';
import { asyncApiDocument } from '../docs/contract-docs';
import { publicContracts } from '../public-contracts';
import { COUNTY_INBOUND_TOPIC } from '../topics';
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

const COUNTY = demoOrgId('910425');
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');
const MEMBER = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601';
const CADRE = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f602';
const PLEDGE = 'c0ffee00-1d2b-4c3d-9e4f-50617283a4b5';
const DEED = 'd33d0000-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

/** A county system's envelope for `contract`, on the stream of `subjectId`. */
function envelope(contract: AnyEventContract, subjectId: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: contract.type,
    version: contract.version,
    streamId: `${contract.stream}-${subjectId}`,
    streamVersion: 3,
    occurredAt: '2011-06-20T02:30:00.000Z',
    recordedAt: '2011-06-20T02:30:01.250Z',
    actor: { sub: 'service-account-county-songling', roles: ['county_system'], orgId: COUNTY, kind: 'service' },
    orgId: HONGSHI,
    correlationId: randomUUID(),
    causationId: null,
    data,
    ...overrides,
  };
}

const sut = publicContracts;

/** The consumer's verdict on `data`: `ok`, or the registry's message naming the failing fields. */
function verdict(contract: AnyEventContract, subjectId: string, data: unknown): string {
  const r = sut.validate(envelope(contract, subjectId, data));
  return r.ok ? 'ok' : `${r.reason} ${r.message}`;
}

describe('county inbound contracts', () => {
  it.each(countyContracts.map((c) => [c.type, c] as const))(
    '%s is registered as v1 of the county context on the inbound topic, keyed by streamId',
    (type, contract) => {
      expect(sut.find(type, 1)).toBe(contract);
      expect(contract).toMatchObject({ context: 'county', version: 1, topic: COUNTY_INBOUND_TOPIC, key: { field: 'streamId' } });
      expect(type).toBe(`county.${contract.name}`);
    },
  );

  it('names every county event in the inbound channel, as messages the platform receives', () => {
    const doc = asyncApiDocument(sut) as {
      channels: Record<string, { messages: Record<string, unknown> }>;
      operations: Record<string, { action: string; messages?: unknown[] }>;
    };
    const ids = countyContracts.map((c) => `${c.type}.v1`).sort();
    expect(Object.keys(doc.channels['county-inbound-v1']!.messages).sort()).toEqual(ids);
    expect(doc.operations['receive-county-inbound-v1']).toMatchObject({ action: 'receive' });
    expect(doc.operations['receive-county-inbound-v1']!.messages).toHaveLength(ids.length);
  });
});

describe(CountyRosterMemberSynced.type, () => {
  const member = {
    memberId: MEMBER,
    orgId: HONGSHI,
    name: '其木格',
    status: 'full',
    joinedOn: '1998-07-01',
    roles: ['secretary'],
    posts: ['pioneer_post'],
  };

  it('WhenARosterRecordIsComplete_IsAccepted', () => {
    expect(verdict(CountyRosterMemberSynced, MEMBER, member)).toBe('ok');
    expect(verdict(CountyRosterMemberSynced, MEMBER, { ...member, status: 'probationary', roles: [], posts: [] })).toBe('ok');
  });

  it('WhenACountySendsIdNumberAndPhone_DropsThemBeforeAnyoneStoresThem', () => {
    const r = sut.validate(envelope(CountyRosterMemberSynced, MEMBER, { ...member, idNumber: '15042519800101123X', phone: '13904761234' }));
    expect(r.ok).toBe(true);
    expect(r.ok && Object.keys(r.envelope.data as object).sort()).toEqual([
      'joinedOn',
      'memberId',
      'name',
      'orgId',
      'posts',
      'roles',
      'status',
    ]);
  });

  it('WhenTheStatusIsUnknown_NamesStatus', () => {
    expect(verdict(CountyRosterMemberSynced, MEMBER, { ...member, status: 'candidate' })).toMatch(/^schema-violation data: status: /);
  });

  it('WhenARoleRepeats_NamesRoles', () => {
    expect(verdict(CountyRosterMemberSynced, MEMBER, { ...member, roles: ['secretary', 'secretary'] })).toBe(
      'schema-violation data: roles: each value may appear only once',
    );
  });

  it('WhenThePostIsNotAVanguardPost_NamesThePost', () => {
    expect(verdict(CountyRosterMemberSynced, MEMBER, { ...member, posts: ['honour_post'] })).toMatch(/^schema-violation data: posts\.0: /);
  });

  it('WhenTheNameIsMissing_NamesName', () => {
    const { name: _, ...nameless } = member;
    expect(verdict(CountyRosterMemberSynced, MEMBER, nameless)).toMatch(/^schema-violation data: name: /);
  });

  it('WhenTheOrgIsACodeNotAnId_NamesOrgId', () => {
    expect(verdict(CountyRosterMemberSynced, MEMBER, { ...member, orgId: '910425101201' })).toMatch(/^schema-violation data: orgId: /);
  });

  it('WhenTheStreamIsNotTheMembersRosterStream_IsRefused', () => {
    const r = sut.validate(envelope(CountyRosterMemberSynced, MEMBER, member, { streamId: `member-${MEMBER}` }));
    expect(r).toMatchObject({
      ok: false,
      reason: 'schema-violation',
      message: `streamId must be roster-member-<id>, got member-${MEMBER}`,
    });
  });
});

describe(CountyRosterMemberRemoved.type, () => {
  const removal = { memberId: MEMBER, orgId: HONGSHI, removedOn: '2011-09-30', reason: '去世 / deceased' };

  it('WhenComplete_IsAccepted_WithOrWithoutAReason', () => {
    expect(verdict(CountyRosterMemberRemoved, MEMBER, removal)).toBe('ok');
    const { reason: _, ...noReason } = removal;
    expect(verdict(CountyRosterMemberRemoved, MEMBER, noReason)).toBe('ok');
  });

  it('WhenTheDayIsMissing_NamesRemovedOn', () => {
    const { removedOn: _, ...undated } = removal;
    expect(verdict(CountyRosterMemberRemoved, MEMBER, undated)).toMatch(/^schema-violation data: removedOn: /);
  });

  it('WhenTheDayIsNotACalendarDay_NamesRemovedOn', () => {
    expect(verdict(CountyRosterMemberRemoved, MEMBER, { ...removal, removedOn: '2011-02-30' })).toMatch(
      /^schema-violation data: removedOn: /,
    );
  });
});

describe(CountyPledgeProgressReported.type, () => {
  const progress = {
    pledgeId: PLEDGE,
    orgId: HONGSHI,
    memberId: MEMBER,
    quarter: '2011-Q2',
    itemsPledged: 3,
    itemsCompleted: 2,
    reportedOn: '2011-06-20',
    note: '帮助 5 户牧民申请小额贷款，村道边沟清淤完成；第三项（党员活动室修缮）待材料到位',
  };

  it('WhenAMembersProgressIsWithinThePledge_IsAccepted', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, progress)).toBe('ok');
  });

  it('WhenTheOrganisationItselfPledged_IsAcceptedWithANullMember', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, orgId: BAIHUA, memberId: null, itemsCompleted: 3 })).toBe('ok');
  });

  it('WhenMoreItemsAreDoneThanPledged_NamesItemsCompleted', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, itemsCompleted: 4 })).toBe(
      'schema-violation data: itemsCompleted: itemsCompleted (4) exceeds itemsPledged (3)',
    );
  });

  it('WhenACountIsNegativeOrFractional_NamesIt', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, itemsCompleted: -1 })).toMatch(
      /^schema-violation data: itemsCompleted: /,
    );
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, itemsPledged: 2.5 })).toMatch(
      /^schema-violation data: itemsPledged: /,
    );
  });

  it('WhenNothingWasPledged_NamesItemsPledged', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, itemsPledged: 0, itemsCompleted: 0 })).toMatch(
      /^schema-violation data: itemsPledged: /,
    );
  });

  it('WhenTheQuarterDoesNotExist_NamesQuarter', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, quarter: '2011-Q5' })).toBe(
      'schema-violation data: quarter: a quarter, YYYY-Qn',
    );
  });

  it('WhenReportedBeforeTheQuarterBegan_NamesReportedOn', () => {
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, reportedOn: '2011-03-31' })).toBe(
      'schema-violation data: reportedOn: reportedOn (2011-03-31) is before quarter 2011-Q2 began (2011-04-01)',
    );
    expect(verdict(CountyPledgeProgressReported, PLEDGE, { ...progress, reportedOn: '2011-04-01' })).toBe('ok');
  });

  it('WhenTheMemberIsLeftOutRatherThanNull_NamesMemberId', () => {
    const { memberId: _, ...noMember } = progress;
    expect(verdict(CountyPledgeProgressReported, PLEDGE, noMember)).toMatch(/^schema-violation data: memberId: /);
  });
});

describe(CountyDemocraticReviewTallied.type, () => {
  // 红石村党支部: 23 members present, 22 ballots returned, one of them blank.
  const tally = {
    memberId: MEMBER,
    orgId: HONGSHI,
    year: 2011,
    heldOn: '2012-01-12',
    ballotsIssued: 23,
    ballotsReturned: 22,
    votes: { excellent: 9, qualified: 11, basically_qualified: 1, unqualified: 0 },
  };

  it('WhenTheVotesFitTheBallots_IsAccepted', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, tally)).toBe('ok');
  });

  it('WhenAVoteCountIsNegative_NamesThatGrade', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, votes: { ...tally.votes, unqualified: -1 } })).toMatch(
      /^schema-violation data: votes\.unqualified: /,
    );
  });

  it('WhenMoreBallotsAreReturnedThanIssued_NamesBallotsReturned', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, ballotsReturned: 24 })).toBe(
      'schema-violation data: ballotsReturned: ballotsReturned (24) exceeds ballotsIssued (23)',
    );
  });

  it('WhenTheVotesAddUpToMoreThanTheBallotsReturned_NamesVotes', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, votes: { ...tally.votes, qualified: 13 } })).toBe(
      'schema-violation data: votes: votes add up to 23, more than ballotsReturned (22)',
    );
  });

  it('WhenAGradeIsMissing_NamesIt', () => {
    const { basically_qualified: _, ...votes } = tally.votes;
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, votes })).toMatch(
      /^schema-violation data: votes\.basically_qualified: /,
    );
  });

  it('WhenAGradeIsNotInTheGlossary_RefusesItRatherThanDroppingTheVotes', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, votes: { ...tally.votes, outstanding: 1 } })).toMatch(
      /^schema-violation data: votes: .*outstanding/,
    );
  });

  it('WhenTheYearIsOutOfRange_NamesYear', () => {
    expect(verdict(CountyDemocraticReviewTallied, MEMBER, { ...tally, year: 11 })).toMatch(/^schema-violation data: year: /);
  });
});

describe(CountyMassEvaluationTallied.type, () => {
  // 白桦镇党委's quarterly satisfaction survey: 120 handed out, 114 returned, 2 spoilt.
  const tally = {
    orgId: BAIHUA,
    memberId: null,
    period: '2011-Q3',
    heldOn: '2011-09-26',
    ballotsIssued: 120,
    ballotsReturned: 114,
    votes: { satisfied: 98, basically_satisfied: 13, dissatisfied: 1 },
  };

  it('WhenAnOrganisationsQuarterlyTallyFits_IsAccepted', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, tally)).toBe('ok');
  });

  it('WhenAMembersYearlyTallyFits_IsAccepted', () => {
    const yearly = { ...tally, orgId: HONGSHI, memberId: MEMBER, period: '2011', ballotsIssued: 40, ballotsReturned: 40 };
    expect(
      verdict(CountyMassEvaluationTallied, MEMBER, { ...yearly, votes: { satisfied: 35, basically_satisfied: 5, dissatisfied: 0 } }),
    ).toBe('ok');
  });

  it('WhenTheVotesAddUpToMoreThanTheBallotsReturned_NamesVotes', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, votes: { ...tally.votes, satisfied: 101 } })).toBe(
      'schema-violation data: votes: votes add up to 115, more than ballotsReturned (114)',
    );
  });

  it('WhenBothPartsExceedTheirWholes_NamesBoth', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, ballotsIssued: 100 })).toBe(
      'schema-violation data: ballotsReturned: ballotsReturned (114) exceeds ballotsIssued (100)',
    );
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, ballotsIssued: 100, ballotsReturned: 110 })).toBe(
      'schema-violation data: ballotsReturned: ballotsReturned (110) exceeds ballotsIssued (100); votes: votes add up to 112, more than ballotsReturned (110)',
    );
  });

  it('WhenABallotValueIsUnknown_RefusesIt', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, votes: { ...tally.votes, very_satisfied: 0 } })).toMatch(
      /^schema-violation data: votes: .*very_satisfied/,
    );
  });

  it('WhenTheBallotCountIsNegative_NamesBallotsIssued', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, ballotsIssued: -120 })).toMatch(
      /^schema-violation data: ballotsIssued: /,
    );
  });

  it('WhenThePeriodIsNeitherAYearNorAQuarter_NamesPeriod', () => {
    expect(verdict(CountyMassEvaluationTallied, BAIHUA, { ...tally, period: '2011-H2' })).toBe(
      'schema-violation data: period: a year YYYY or a quarter YYYY-Qn',
    );
  });
});

describe(CountyDeedRecorded.type, () => {
  // 旗农牧业局 hardened 2.4 km of village road for 红石村: 480,000 yuan.
  const deed = {
    deedId: DEED,
    orgId: HONGSHI,
    helperUnitName: '松岭旗农牧业局',
    category: 'road_hardening',
    title: '红石村村道硬化 2.4 公里',
    doneOn: '2011-08-15',
    amountFen: 48_000_000,
  };

  it('WhenADeedIsComplete_IsAccepted_WithOrWithoutMoney', () => {
    expect(verdict(CountyDeedRecorded, DEED, deed)).toBe('ok');
    const { amountFen: _, ...noMoney } = deed;
    expect(verdict(CountyDeedRecorded, DEED, { ...noMoney, category: 'village_industry', title: '提供肉羊养殖致富信息' })).toBe('ok');
  });

  it('WhenMoneyIsInYuanWithDecimals_NamesAmountFen', () => {
    expect(verdict(CountyDeedRecorded, DEED, { ...deed, amountFen: 480000.5 })).toMatch(/^schema-violation data: amountFen: /);
  });

  it('WhenMoneyIsNegative_NamesAmountFen', () => {
    expect(verdict(CountyDeedRecorded, DEED, { ...deed, amountFen: -1 })).toMatch(/^schema-violation data: amountFen: /);
  });

  it('WhenTheCategoryIsNotOneOfTheTenAreas_NamesCategory', () => {
    expect(verdict(CountyDeedRecorded, DEED, { ...deed, category: 'bridge_building' })).toMatch(/^schema-violation data: category: /);
  });

  it('WhenTheDayIsMissing_NamesDoneOn', () => {
    const { doneOn: _, ...undated } = deed;
    expect(verdict(CountyDeedRecorded, DEED, undated)).toMatch(/^schema-violation data: doneOn: /);
  });
});

describe(CountyVisitLogged.type, () => {
  const visit = {
    visitId: randomUUID(),
    cadreId: CADRE,
    cadreName: '王建国',
    orgId: HONGSHI,
    visitedOn: '2011-07-08',
    householdRefs: ['HS-2011-017', 'HS-2011-018'],
    summary: '两户反映冬季饮水困难，已报旗水务局；一户孩子上学需助学贷款，已联系信用社',
  };

  it('WhenAVisitNamesItsHouseholds_IsAccepted', () => {
    expect(verdict(CountyVisitLogged, CADRE, visit)).toBe('ok');
  });

  it('WhenAHouseholdIsAnIdCardNumber_NamesThatHousehold', () => {
    expect(verdict(CountyVisitLogged, CADRE, { ...visit, householdRefs: ['HS-2011-017', '15042519800101123X'] })).toMatch(
      /^schema-violation data: householdRefs\.1: /,
    );
  });

  it('WhenAHouseholdIsAMobileNumberOrAName_NamesThatHousehold', () => {
    expect(verdict(CountyVisitLogged, CADRE, { ...visit, householdRefs: ['13904761234'] })).toMatch(
      /^schema-violation data: householdRefs\.0: /,
    );
    expect(verdict(CountyVisitLogged, CADRE, { ...visit, householdRefs: ['巴特尔家'] })).toMatch(
      /^schema-violation data: householdRefs\.0: /,
    );
  });

  it('WhenNoHouseholdIsNamed_NamesHouseholdRefs', () => {
    expect(verdict(CountyVisitLogged, CADRE, { ...visit, householdRefs: [] })).toMatch(/^schema-violation data: householdRefs: /);
  });

  it('WhenAHouseholdRepeats_NamesHouseholdRefs', () => {
    expect(verdict(CountyVisitLogged, CADRE, { ...visit, householdRefs: ['HS-2011-017', 'HS-2011-017'] })).toBe(
      'schema-violation data: householdRefs: each value may appear only once',
    );
  });

  it('WhenTheSummaryIsMissing_NamesSummary', () => {
    const { summary: _, ...bare } = visit;
    expect(verdict(CountyVisitLogged, CADRE, bare)).toMatch(/^schema-violation data: summary: /);
  });
});

describe(CountyWindowServicesRecorded.type, () => {
  const batch = {
    orgId: HONGSHI,
    batchId: 'hs-window-2011-06',
    records: [
      { recordId: 'r-1', kind: 'service_given', on: '2011-06-03' },
      { recordId: 'r-2', kind: 'online_approval', on: '2011-06-04' },
    ],
  };

  it('WhenABatchNamesRecordsByIdKindAndDay_IsAccepted', () => {
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, batch)).toBe('ok');
  });

  it('WhenARecordNamesACitizen_IsRefusedNamingTheField', () => {
    const named = { ...batch, records: [{ ...batch.records[0], citizenName: '巴特尔' }] };
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, named)).toMatch(/^schema-violation data: records\.0: /);
  });

  it('WhenAKindIsNotAWindowServiceKind_NamesKind', () => {
    const odd = { ...batch, records: [{ ...batch.records[0], kind: 'typed_in_total' }] };
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, odd)).toMatch(/^schema-violation data: records\.0\.kind: /);
  });

  it('WhenTheBatchIsEmptyOrPastTwoThousandRecords_NamesRecords', () => {
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, { ...batch, records: [] })).toMatch(/^schema-violation data: records: /);
    const many = Array.from({ length: 2001 }, (_, i) => ({ recordId: `r-${i}`, kind: 'home_service', on: '2011-06-05' }));
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, { ...batch, records: many })).toMatch(/^schema-violation data: records: /);
  });

  it('WhenTheDayIsNotADate_NamesOn', () => {
    const late = { ...batch, records: [{ ...batch.records[0], on: '2011-6-3' }] };
    expect(verdict(CountyWindowServicesRecorded, HONGSHI, late)).toMatch(/^schema-violation data: records\.0\.on: /);
  });
});
