import { Member } from '../member/member.aggregate';
import { Organization } from '../organization/organization.aggregate';
import type { DomainError } from '../shared/domain-error';
import { MemberTransfer } from './member-transfer.aggregate';

// The receiving organisation's decision is published (MemberTransferAccepted / Rejected), on
// the member's stream so it falls between the request and the completion.

const to = Organization.restore({
  id: 'org-b',
  code: { value: '1234' } as never,
  name: 'org-b',
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
const request = () =>
  MemberTransfer.request({ id: 't-1', member: member(), to, requestedOn: '2011-05-01', deadline: '2011-05-31', openTransfersOfMember: 0 });

describe(`${MemberTransfer.name} decision events`, () => {
  it('accept_WhenRequested_RecordsMemberTransferAcceptedOnTheMembersStream', () => {
    const sut = request();
    sut.pullEvents();

    sut.accept(to, '2011-05-05');

    expect(sut.pullEvents()).toEqual([
      {
        name: 'MemberTransferAccepted',
        stream: 'member',
        aggregateId: 'm-1',
        orgId: 'org-a',
        data: { transferId: 't-1', memberId: 'm-1', fromOrgId: 'org-a', toOrgId: 'org-b', acceptedOn: '2011-05-05' },
      },
    ]);
  });

  it('reject_WhenRequested_RecordsMemberTransferRejectedWithTheReason', () => {
    const sut = request();
    sut.pullEvents();

    sut.reject('2011-05-05', '材料不全');

    expect(sut.pullEvents()).toEqual([
      expect.objectContaining({
        name: 'MemberTransferRejected',
        aggregateId: 'm-1',
        data: { transferId: 't-1', memberId: 'm-1', fromOrgId: 'org-a', toOrgId: 'org-b', rejectedOn: '2011-05-05', reason: '材料不全' },
      }),
    ]);
  });

  it('reject_WhenTheReasonCarriesAPhoneOrIdNumber_RefusesAndRecordsNothing', () => {
    const sut = request();
    sut.pullEvents();

    expect(codeOf(() => sut.reject('2011-05-05', '请联系 139 1234 5678'))).toBe('TRANSFER.REASON_HAS_PERSONAL_NUMBER');
    expect(codeOf(() => sut.reject('2011-05-05', '身份证 32010119850101123X 不符'))).toBe('TRANSFER.REASON_HAS_PERSONAL_NUMBER');
    // However written, as the published event would show it: dots, a zero-width space, numerals after a name.
    for (const reason of ['请联系138.0013.8000', '请联系1\u200b3800138000', '联系人张三一三八〇〇一三八〇〇〇'])
      expect([reason, codeOf(() => sut.reject('2011-05-05', reason))]).toEqual([reason, 'TRANSFER.REASON_HAS_PERSONAL_NUMBER']);
    expect(sut.pullEvents()).toEqual([]);
  });

  it('reject_WhenAlreadyAccepted_RefusesAndRecordsNothing', () => {
    const sut = request();
    sut.accept(to, '2011-05-05');
    sut.pullEvents();

    expect(codeOf(() => sut.reject('2011-05-06', '迟了'))).toBe('TRANSFER.INVALID_STATE');
    expect(sut.pullEvents()).toEqual([]);
  });
});
