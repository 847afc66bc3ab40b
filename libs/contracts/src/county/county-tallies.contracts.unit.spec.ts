// The county inbound contracts as a consumer checks them: the tallies (democratic review, mass
// evaluation) and the records of deeds, visits and window services.
import { randomUUID } from 'node:crypto';
import {
  CountyDeedRecorded,
  CountyDemocraticReviewTallied,
  CountyMassEvaluationTallied,
  CountyVisitLogged,
  CountyWindowServicesRecorded,
} from './county.contracts';
import { BAIHUA, HONGSHI, MEMBER, CADRE, DEED, verdict } from './county-contract.fixtures';

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
