import type { DomainError } from '../shared/domain-error';
import { MemberTransfer } from '../transfer/member-transfer.aggregate';
import { Member, type RosterRecord } from './member.aggregate';

const joined = () => {
  const m = Member.join(
    {
      id: 'm-1',
      orgId: 'org-a',
      name: '张红梅',
      status: 'probationary',
      joinedOn: '2001-07-01',
      roles: ['party_worker'],
      posts: ['pioneer_post'],
    },
    '2011-01-01',
  );
  m.pullEvents();
  return m;
};
const record = (over: Partial<RosterRecord> = {}): RosterRecord => ({
  name: '张红梅',
  status: 'probationary',
  joinedOn: '2001-07-01',
  roles: ['party_worker'],
  posts: ['pioneer_post'],
  ...over,
});
const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};

// 花名册同步: a county roster states the whole current record of a member it holds.
describe(`${Member.name}.restate`, () => {
  it('restate_WhenTheRecordIsUnchanged_RecordsNothing', () => {
    const sut = joined();
    sut.restate(record(), '2011-02-01');
    expect(sut.pullEvents()).toEqual([]);
    expect(sut.unsavedHistory()).toHaveLength(1); // only the join, not yet saved in this spec
  });

  it('restate_WhenRolesAndPostsChange_AssignsAndGrantsTheNewOnesAndDropsTheOthers', () => {
    const sut = joined();
    sut.restate(record({ name: ' 张红 ', status: 'full', roles: ['secretary'], posts: ['model_post'] }), '2011-02-01');
    expect(sut.pullEvents().map((e) => e.name)).toEqual(['MemberBecameFull', 'MemberRoleAssigned', 'VanguardPostGranted']);
    expect([sut.name, sut.status, sut.roles, sut.posts]).toEqual(['张红', 'full', ['secretary'], ['model_post']]);
  });

  it('restate_WhenItMakesHimFull_RecordsMemberBecameFullDatedTheDayApplied_AndOnlyThen (ADR 0155)', () => {
    const sut = joined();
    sut.restate(record({ status: 'full' }), '2011-02-01');
    const first = sut.pullEvents();
    sut.restate(record({ status: 'full' }), '2011-03-01');

    expect(first).toEqual([
      {
        name: 'MemberBecameFull',
        stream: 'member',
        aggregateId: 'm-1',
        orgId: 'org-a',
        data: { memberId: 'm-1', orgId: 'org-a', fullOn: '2011-02-01' },
      },
    ]);
    expect(sut.pullEvents()).toEqual([]);
  });

  it('restate_WhenNameStatusRolesAndPostsChange_WritesALineOfHistoryForEach (ADR 0150)', () => {
    const sut = joined();
    sut.markHistorySaved();
    sut.restate(record({ name: '张红', status: 'full', roles: ['secretary'], posts: ['model_post'] }), '2011-02-01');
    expect(sut.unsavedHistory().map((h) => [h.on, h.kind, h.detail])).toEqual([
      ['2011-02-01', 'renamed', '张红梅'],
      ['2011-02-01', 'status_changed', 'full'],
      ['2011-02-01', 'role_removed', 'party_worker'],
      ['2011-02-01', 'role_assigned', 'secretary'],
      ['2011-02-01', 'post_removed', 'pioneer_post'],
      ['2011-02-01', 'post_granted', 'model_post'],
    ]);
    expect(new Set(sut.unsavedHistory().map((h) => h.orgId))).toEqual(new Set(['org-a']));
  });

  it('restate_WhenOnlyTheNamesSpacingDiffers_WritesNoLine', () => {
    const sut = joined();
    sut.markHistorySaved();
    sut.restate(record({ name: ' 张红梅 ' }), '2011-02-01');
    expect(sut.unsavedHistory()).toEqual([]);
  });

  it("restate_ItsOwnLinesBoundNoLeaving (dated when learned, not when done: a county drops a leaver's roles, then sends his earlier day)", () => {
    const sut = joined();
    sut.restate(record({ name: '张红', status: 'full', roles: [], posts: [] }), '2011-06-01');
    sut.leave('2011-05-01', '2011-07-01');
    expect(sut.membership).toBe('left');
  });

  it('restate_ARoleItAssigns_StillBoundsALeaving (ADR 0140)', () => {
    const sut = joined();
    sut.restate(record({ status: 'full', roles: ['secretary'] }), '2011-06-01');
    expect(codeOf(() => sut.leave('2011-05-01', '2011-07-01'))).toBe('MEMBER.LEFT_ON_OUT_OF_RANGE');
  });

  it('restate_WhenTheRecordNamesAnotherJoiningDay_RefusesAndChangesNothing (a changed day was dropped while the reply said applied)', () => {
    const sut = joined();
    expect(codeOf(() => sut.restate(record({ name: '张红', joinedOn: '2015-03-15' }), '2011-04-01'))).toBe('MEMBER.JOINED_ON_DIFFERS');
    expect([sut.name, sut.joinedOn]).toEqual(['张红梅', '2001-07-01']);
    expect(sut.pullEvents()).toEqual([]);
  });

  it('restate_WhenTheMemberLeft_RefusesAndChangesNothing', () => {
    const sut = joined();
    sut.leave('2011-03-01', '2011-03-01');
    expect(codeOf(() => sut.restate(record({ status: 'full' }), '2011-04-01'))).toBe('MEMBER.NOT_ACTIVE');
    expect(sut.status).toBe('probationary');
  });

  it('restate_WhenTheNameIsBlank_RefusesBeforeChangingAnything', () => {
    const sut = joined();
    expect(codeOf(() => sut.restate(record({ name: '  ', roles: ['secretary'] }), '2011-02-01'))).toBe('MEMBER.NAME_INVALID');
    expect(sut.roles).toEqual(['party_worker']);
  });
});

describe(`${MemberTransfer.name}.recordedByRoster`, () => {
  const to = { id: 'org-b', status: 'active' as const };

  it('recordedByRoster_WhenAllowed_CompletesAtOnceAndMovesTheMember', () => {
    const member = joined();
    const sut = MemberTransfer.recordedByRoster({ id: 't-1', member, to, on: '2011-02-01', openTransfersOfMember: 0 });
    expect([sut.status, sut.fromOrgId, member.orgId]).toEqual(['completed', 'org-a', 'org-b']);
    expect(member.pullEvents()).toEqual([
      expect.objectContaining({ name: 'MemberTransferred', data: expect.objectContaining({ transferId: 't-1' }) }),
    ]);
  });

  it.each([
    ['an open transfer', { openTransfersOfMember: 1 }, 'TRANSFER.ALREADY_OPEN'],
    ['a dissolved organisation', { to: { id: 'org-b', status: 'dissolved' as const } }, 'ORGANIZATION.NOT_ACTIVE'],
    ['the same organisation', { to: { id: 'org-a', status: 'active' as const } }, 'TRANSFER.SAME_ORGANIZATION'],
  ])('recordedByRoster_WhenThereIs %s_RefusesLikeARequest', (_what, over, code) => {
    const member = joined();
    expect(
      codeOf(() => MemberTransfer.recordedByRoster({ id: 't-1', member, to, on: '2011-02-01', openTransfersOfMember: 0, ...over })),
    ).toBe(code);
    expect(member.orgId).toBe('org-a');
  });
});
