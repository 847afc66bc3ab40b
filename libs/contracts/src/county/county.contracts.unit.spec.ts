// The county inbound contracts as a consumer checks them (through the public registry, on whole
// envelopes): their registration, and the roster and pledge-progress messages.
import { asyncApiDocument } from '../docs/contract-docs';
import { COUNTY_INBOUND_TOPIC } from '../topics';
import { CountyPledgeProgressReported, CountyRosterMemberRemoved, CountyRosterMemberSynced, countyContracts } from './county.contracts';
import { BAIHUA, HONGSHI, MEMBER, PLEDGE, envelope, verdict, sut } from './county-contract.fixtures';

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
