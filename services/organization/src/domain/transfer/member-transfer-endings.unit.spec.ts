import { Member } from '../member/member.aggregate';
import type { DomainError } from '../shared/domain-error';
import { MemberTransfer, TRANSFER_ENDINGS } from './member-transfer.aggregate';

const member = () =>
  Member.join({ id: 'm-1', orgId: 'org-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] }, '2011-01-01');
const active = { status: 'active' } as const;
/** A transfer from org-a to org-b, accepted when asked. */
const transfer = (accepted = false) => {
  const t = MemberTransfer.request({
    id: 't-1',
    member: member(),
    to: { id: 'org-b', status: 'active' } as never,
    requestedOn: '2011-05-01',
    deadline: '2011-05-31',
    openTransfersOfMember: 0,
  });
  if (accepted) t.accept(active, '2011-05-05');
  t.pullEvents();
  return t;
};
const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};

describe(`${MemberTransfer.name} after a merge, a leave or a dissolution`, () => {
  it('followMerge_WhenTheSendingOrganisationMerged_GoesOnFromTheSurvivorAndCompletes', () => {
    const sut = transfer(true);
    const m = member();
    m.moveWithMergedOrganization('org-s', '2011-05-07');

    sut.followMerge('org-a', 'org-s', '2011-05-07');
    sut.complete(m, active, '2011-05-10');

    expect({ from: sut.fromOrgId, to: sut.toOrgId, status: sut.status }).toEqual({ from: 'org-s', to: 'org-b', status: 'completed' });
    expect(m.orgId).toBe('org-b');
    expect(m.pullEvents().at(-1)).toMatchObject({ name: 'MemberTransferred', data: { fromOrgId: 'org-s', toOrgId: 'org-b' } });
  });

  it('followMerge_WhenTheReceivingOrganisationMerged_WaitsForTheSurvivorsDecision', () => {
    const sut = transfer();

    sut.followMerge('org-b', 'org-s', '2011-05-07');

    expect({ from: sut.fromOrgId, to: sut.toOrgId, status: sut.status }).toEqual({ from: 'org-a', to: 'org-s', status: 'requested' });
  });

  it.each([
    ['the sender merged into the receiver', 'org-a', 'org-b'],
    ['the receiver merged into the sender', 'org-b', 'org-a'],
  ])('followMerge_When%s_EndsItWithTheReason', (_what, absorbed, survivor) => {
    const sut = transfer(true);

    sut.followMerge(absorbed, survivor, '2011-05-07');

    expect({ status: sut.status, cancelledOn: sut.cancelledOn, reason: sut.reason }).toEqual({
      status: 'cancelled',
      cancelledOn: '2011-05-07',
      reason: TRANSFER_ENDINGS.mergedIntoOne,
    });
    expect(sut.isOpen).toBe(false);
    expect(sut.pullEvents()).toEqual([
      {
        name: 'MemberTransferCancelled',
        stream: 'member',
        aggregateId: 'm-1',
        orgId: survivor,
        data: {
          transferId: 't-1',
          memberId: 'm-1',
          fromOrgId: survivor,
          toOrgId: survivor,
          cancelledOn: '2011-05-07',
          reason: 'merged_into_one',
        },
      },
    ]);
  });

  it('followMerge_WhenNeitherSideMerged_ChangesNothing', () => {
    const sut = transfer();
    sut.followMerge('org-x', 'org-s', '2011-05-07');
    expect({ from: sut.fromOrgId, to: sut.toOrgId, status: sut.status }).toEqual({ from: 'org-a', to: 'org-b', status: 'requested' });
  });

  it('followMerge_WhenOneSideIsRePointed_RecordsNothing', () => {
    const sut = transfer();
    sut.followMerge('org-b', 'org-s', '2011-05-07');
    expect(sut.pullEvents()).toEqual([]);
  });

  it('endBecauseTheMemberLeft_EndsAnOpenTransferSoItCanBeNeitherAcceptedNorCompleted', () => {
    const requested = transfer();
    const accepted = transfer(true);

    requested.endBecauseTheMemberLeft('2011-05-08');
    accepted.endBecauseTheMemberLeft('2011-05-08');

    expect([requested.status, requested.reason, accepted.status]).toEqual(['cancelled', TRANSFER_ENDINGS.memberLeft, 'cancelled']);
    for (const t of [requested, accepted])
      expect(t.pullEvents()).toEqual([
        expect.objectContaining({
          name: 'MemberTransferCancelled',
          data: {
            transferId: 't-1',
            memberId: 'm-1',
            fromOrgId: 'org-a',
            toOrgId: 'org-b',
            cancelledOn: '2011-05-08',
            reason: 'member_left',
          },
        }),
      ]);
    expect(codeOf(() => requested.accept(active, '2011-05-09'))).toBe('TRANSFER.INVALID_STATE');
    expect(codeOf(() => accepted.complete(member(), active, '2011-05-09'))).toBe('TRANSFER.INVALID_STATE');
    expect(requested.isOverdue('2011-07-01')).toBe(false);
  });

  it('endBecauseTheReceiverWasDissolved_EndsItOnceWithReceiverDissolved', () => {
    const sut = transfer(true);

    sut.endBecauseTheReceiverWasDissolved('2011-05-08');
    sut.endBecauseTheMemberLeft('2011-05-09');

    expect({ status: sut.status, reason: sut.reason }).toEqual({ status: 'cancelled', reason: TRANSFER_ENDINGS.receiverDissolved });
    expect(sut.pullEvents().map((e) => e.data['reason'])).toEqual(['receiver_dissolved']);
  });

  it('endBecauseTheReceiverWasDissolved_LeavesAClosedTransferAsItWas', () => {
    const sut = transfer();
    sut.reject('2011-05-06', '不符合条件');
    sut.pullEvents();

    sut.endBecauseTheReceiverWasDissolved('2011-05-08');

    expect({ status: sut.status, reason: sut.reason, cancelledOn: sut.cancelledOn }).toEqual({
      status: 'rejected',
      reason: '不符合条件',
      cancelledOn: null,
    });
    expect(sut.pullEvents()).toEqual([]);
  });
});
