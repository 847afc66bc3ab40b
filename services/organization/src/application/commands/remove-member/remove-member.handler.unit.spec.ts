import { Member } from '../../../domain/member/member.aggregate';
import { MemberTransfer, TRANSFER_ENDINGS } from '../../../domain/transfer/member-transfer.aggregate';
import {
  actor,
  demoTree,
  directUnitOfWork,
  fixedClock,
  InMemoryMembers,
  InMemoryOrganizations,
  InMemoryTransfers,
  RecordingOutbox,
} from '../../testing/in-memory-ports';
import { RemoveMemberCommand } from './remove-member.command';
import { RemoveMemberHandler } from './remove-member.handler';

describe(RemoveMemberHandler.name, () => {
  let members: InMemoryMembers;
  let transfers: InMemoryTransfers;
  let outbox: RecordingOutbox;
  let sut: RemoveMemberHandler;
  const ctx = { actor: actor('town-a'), correlationId: 'c-1' };

  beforeEach(() => {
    const organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    transfers = new InMemoryTransfers();
    outbox = new RecordingOutbox();
    const m = Member.join(
      { id: 'm-1', orgId: 'village-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] },
      '2011-01-01',
    );
    m.pullEvents();
    members.rows.set(m.id, m);
    sut = new RemoveMemberHandler(organizations, members, transfers, outbox, directUnitOfWork, fixedClock('2011-06-30'));
  });

  it('When_TheMemberHasAnOpenTransfer_Then_LeavingEndsItWithTheReason', async () => {
    const t = MemberTransfer.request({
      id: 't-1',
      member: members.rows.get('m-1')!,
      to: { id: 'village-b', status: 'active' } as never,
      requestedOn: '2011-06-01',
      deadline: '2011-07-01',
      openTransfersOfMember: 0,
    });
    t.pullEvents();
    transfers.rows.set(t.id, t);

    await sut.execute(new RemoveMemberCommand(ctx, 'm-1', '去世'));

    expect(members.rows.get('m-1')?.membership).toBe('left');
    expect({ status: t.status, cancelledOn: t.cancelledOn, reason: t.reason }).toEqual({
      status: 'cancelled',
      cancelledOn: '2011-06-30',
      reason: TRANSFER_ENDINGS.memberLeft,
    });
    // In one write, MemberLeft first: it is why the transfer ended.
    expect(outbox.written).toHaveLength(1);
    expect(outbox.names()).toEqual(['MemberLeft', 'MemberTransferCancelled']);
    expect(outbox.written[0]?.events[1]).toMatchObject({
      stream: 'member',
      aggregateId: 'm-1',
      orgId: 'village-a',
      data: {
        transferId: 't-1',
        memberId: 'm-1',
        fromOrgId: 'village-a',
        toOrgId: 'village-b',
        cancelledOn: '2011-06-30',
        reason: 'member_left',
      },
    });
  });

  it('When_TheMemberMovedWhileItsOrganisationWasLocked_Then_RunsAgainFromTheNewOne', async () => {
    // A merge committed between reading the member's organisation and locking him: the first run
    // locked village-a, found him in village-b's township, and the second starts from there.
    members.rows.get('m-1')!.moveWithMergedOrganization('town-a', '2011-06-29');
    let reads = 0;
    members.orgOf = (id) => Promise.resolve(reads++ === 0 ? 'village-a' : (members.rows.get(id)?.orgId ?? null));

    await sut.execute(new RemoveMemberCommand(ctx, 'm-1'));

    expect(reads).toBe(2);
    expect(members.rows.get('m-1')?.membership).toBe('left');
  });

  it('When_TheMemberHasNoOpenTransfer_Then_LeavesAsBefore', async () => {
    await sut.execute(new RemoveMemberCommand(ctx, 'm-1'));

    expect(members.rows.get('m-1')?.membership).toBe('left');
    expect(outbox.names()).toEqual(['MemberLeft']);
  });
});
