import { Member } from '../member/member.aggregate';
import { Organization } from '../organization/organization.aggregate';
import type { DomainError } from '../shared/domain-error';
import { MemberTransfer } from './member-transfer.aggregate';

const org = (id: string, code: string) =>
  Organization.restore({
    id,
    code: { value: code } as never,
    name: id,
    level: 'village',
    kind: 'branch',
    sector: 'rural',
    parentId: 'town',
    ancestorIds: ['town'],
    establishedOn: '2000-01-01',
    temporary: false,
    status: 'active',
    mergedIntoId: null,
    version: 1,
  });
const receiver = org('org-b', '1234');
const member = () =>
  Member.join({ id: 'm-1', orgId: 'org-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] }, '2011-01-01');
const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};
const request = (over: Partial<Parameters<typeof MemberTransfer.request>[0]> = {}) =>
  MemberTransfer.request({
    id: 't-1',
    member: member(),
    to: org('org-b', '1234'),
    requestedOn: '2011-05-01',
    deadline: '2011-05-31',
    openTransfersOfMember: 0,
    ...over,
  });

describe(MemberTransfer.name, () => {
  it('request refuses a transfer to the member’s own organisation', () => {
    expect(codeOf(() => request({ to: org('org-a', '1234') }))).toBe('TRANSFER.SAME_ORGANIZATION');
  });

  it('request refuses a second open transfer of the same member', () => {
    expect(codeOf(() => request({ openTransfersOfMember: 1 }))).toBe('TRANSFER.ALREADY_OPEN');
  });

  it('request refuses a deadline before the request', () => {
    expect(codeOf(() => request({ deadline: '2011-04-30' }))).toBe('TRANSFER.DEADLINE_BEFORE_REQUEST');
  });

  it('request records MemberTransferRequested on the member’s stream', () => {
    const sut = request();
    expect(sut.pullEvents()).toEqual([
      expect.objectContaining({
        name: 'MemberTransferRequested',
        stream: 'member',
        aggregateId: 'm-1',
        data: expect.objectContaining({ fromOrgId: 'org-a', toOrgId: 'org-b' }),
      }),
    ]);
  });

  it('complete refuses a transfer not yet accepted', () => {
    const sut = request();
    expect(codeOf(() => sut.complete(member(), receiver, '2011-05-10'))).toBe('TRANSFER.INVALID_STATE');
  });

  it('accept then complete moves the member and their history to the receiving organisation', () => {
    const sut = request();
    const m = member();
    sut.accept(receiver, '2011-05-05');

    sut.complete(m, receiver, '2011-05-10');

    expect(sut.status).toBe('completed');
    expect(m.orgId).toBe('org-b');
    expect(m.history.map((h) => `${h.kind}@${h.orgId}`)).toEqual(['joined@org-a', 'transferred_out@org-a', 'transferred_in@org-b']);
    expect(m.pullEvents().at(-1)).toMatchObject({
      name: 'MemberTransferred',
      data: { fromOrgId: 'org-a', toOrgId: 'org-b', transferredOn: '2011-05-10' },
    });
  });

  it('complete_WhenAMergeMovedTheMemberOutOfTheSendingOrganisation_RefusesAndMovesNobody', () => {
    const sut = request();
    const m = member();
    sut.accept(receiver, '2011-05-05');
    m.moveWithMergedOrganization('org-survivor', '2011-05-07');

    expect(codeOf(() => sut.complete(m, receiver, '2011-05-10'))).toBe('TRANSFER.MEMBER_NO_LONGER_IN_SENDING_ORGANIZATION');
    expect(m.orgId).toBe('org-survivor');
    expect(sut.status).toBe('accepted');
  });

  it.each(['dissolved', 'merged'] as const)('accept_WhenTheReceiverIs%s_RefusesNotActiveAndStaysRequested', (status) => {
    const sut = request();
    sut.pullEvents();

    expect(codeOf(() => sut.accept({ status }, '2011-05-05'))).toBe('ORGANIZATION.NOT_ACTIVE');
    expect(sut.status).toBe('requested');
    expect(sut.pullEvents()).toEqual([]);
  });

  it.each(['dissolved', 'merged'] as const)('complete_WhenTheReceiverIs%sSinceAccepting_RefusesNotActiveAndMovesNobody', (status) => {
    const sut = request();
    const m = member();
    sut.accept(receiver, '2011-05-05');
    m.pullEvents();

    expect(codeOf(() => sut.complete(m, { status }, '2011-05-10'))).toBe('ORGANIZATION.NOT_ACTIVE');
    expect(sut.status).toBe('accepted');
    expect(m.orgId).toBe('org-a');
    expect(m.pullEvents()).toEqual([]);
  });

  it('a rejected transfer cannot be accepted afterwards', () => {
    const sut = request();
    sut.reject('2011-05-05', '不符合条件');
    expect(codeOf(() => sut.accept(receiver, '2011-05-06'))).toBe('TRANSFER.INVALID_STATE');
  });

  it('is overdue only while open and past its deadline', () => {
    const sut = request();
    expect(sut.isOverdue('2011-05-31')).toBe(false);
    expect(sut.isOverdue('2011-06-01')).toBe(true);
    sut.accept(receiver, '2011-06-01');
    sut.complete(member(), receiver, '2011-06-02');
    expect(sut.isOverdue('2011-07-01')).toBe(false);
  });
});
