import type { DomainError } from '../shared/domain-error';
import { Member, type MemberProps } from './member.aggregate';

const TODAY = '2026-12-05';
const joined = (): Member => {
  const m = Member.join(
    { id: 'm-1', orgId: 'org-a', name: '张红梅', status: 'full', joinedOn: '2001-07-01', roles: [], posts: [] },
    '2011-01-01',
  );
  m.pullEvents();
  return m;
};
const refusalOf = (fn: () => void): { code: string; message: string } | 'no error' => {
  try {
    fn();
  } catch (e) {
    return { code: (e as DomainError).code, message: (e as DomainError).message };
  }
  return 'no error';
};
/** What a refused leaving must leave as it was. */
const unchanged = (m: Member) => ({ membership: m.membership, history: m.history.length, events: m.pullEvents().length });

// ADR 0140: a leaving day is bounded by the latest day of the member's history, not his joining day.
describe(`${Member.name}.leave`, () => {
  it('leave_WhenDatedBeforeARoleAssignedLater_IsRefusedNamingThatDay_AndChangesNothing', () => {
    const sut = joined();
    sut.assignRole('secretary', '2026-12-01');
    sut.pullEvents();
    const before = unchanged(sut);

    const refusal = refusalOf(() => sut.leave('2026-11-28', TODAY, '出党'));

    expect(refusal).toEqual({ code: 'MEMBER.LEFT_ON_OUT_OF_RANGE', message: expect.stringContaining('2026-12-01') });
    expect(refusal !== 'no error' && refusal.message).toMatch(/担任职务.*\/ .*role assigned/);
    expect(unchanged(sut)).toEqual(before);
  });

  it('leave_WhenDatedBeforeATransferOrAMergeIntoTheOrganisation_IsRefusedNamingThatDay', () => {
    const transferred = joined();
    transferred.transferTo('org-b', 't-1', '2026-10-10');
    const merged = joined();
    merged.moveWithMergedOrganization('org-c', '2026-11-11');

    expect(refusalOf(() => transferred.leave('2026-10-09', TODAY))).toEqual({
      code: 'MEMBER.LEFT_ON_OUT_OF_RANGE',
      message: expect.stringContaining('2026-10-10'),
    });
    expect(refusalOf(() => merged.leave('2026-11-10', TODAY))).toEqual({
      code: 'MEMBER.LEFT_ON_OUT_OF_RANGE',
      message: expect.stringContaining('2026-11-11'),
    });
    expect([transferred.membership, merged.membership]).toEqual(['active', 'active']);
  });

  it('leave_WhenDatedOnTheLatestDayOfTheHistoryOrAfter_IsAccepted_AndTheDayBeforeIsNot', () => {
    for (const on of ['2026-12-01', '2026-12-03', TODAY]) {
      const sut = joined();
      sut.assignRole('secretary', '2026-12-01');
      sut.grantPost('pioneer_post', '2026-11-20');
      sut.pullEvents();
      // The latest day bounds it, not the line recorded last (the post, dated before the role).
      expect(refusalOf(() => sut.leave('2026-11-30', TODAY))).toMatchObject({ code: 'MEMBER.LEFT_ON_OUT_OF_RANGE' });

      sut.leave(on, TODAY, '出党');

      expect([on, sut.membership, sut.pullEvents().map((e) => e.name), sut.history.at(-1)?.on]).toEqual([on, 'left', ['MemberLeft'], on]);
    }
  });

  it('leave_WhenTheHistoryHoldsOnlyTheJoining_IsJudgedAsBefore', () => {
    const sut = joined();

    const refusal = refusalOf(() => sut.leave('2001-06-30', TODAY));

    expect(refusal).toEqual({
      code: 'MEMBER.LEFT_ON_OUT_OF_RANGE',
      message: '离开日期不能早于入党日期，也不能晚于今天 / the leaving day cannot be before the joining day nor after today',
    });
    sut.leave('2001-07-01', TODAY);
    expect(sut.membership).toBe('left');
  });

  it('leave_WhenRestoredWithOnlyItsLatestHistoryLine_IsBoundedByIt', () => {
    // A county roster batch restores a member with the one line a removal reads.
    const props: Omit<MemberProps, 'personal'> = {
      id: 'm-2',
      orgId: 'org-a',
      name: '李四',
      status: 'full',
      joinedOn: '2019-07-01',
      roles: ['party_worker'],
      posts: [],
      membership: 'active',
      history: [{ on: '2026-12-05', kind: 'role_assigned', orgId: 'org-a', detail: 'party_worker' }],
      version: 3,
    };
    const sut = Member.restore({ ...props, personal: joined().personal });

    expect(refusalOf(() => sut.leave('2026-01-05', TODAY))).toEqual({
      code: 'MEMBER.LEFT_ON_OUT_OF_RANGE',
      message: expect.stringContaining('2026-12-05'),
    });
    sut.leave('2026-12-05', TODAY);
    expect(sut.unsavedHistory()).toEqual([{ on: '2026-12-05', kind: 'left', orgId: 'org-a', detail: null }]);
  });
});
