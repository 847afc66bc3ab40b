import { Member } from '../../../domain/member/member.aggregate';
import { MemberTransfer, TRANSFER_ENDINGS, type TransferStatus } from '../../../domain/transfer/member-transfer.aggregate';
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
import { MergeOrganizationCommand } from './merge-organization.command';
import { MergeOrganizationHandler } from './merge-organization.handler';

describe(MergeOrganizationHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let members: InMemoryMembers;
  let transfers: InMemoryTransfers;
  let outbox: RecordingOutbox;
  let sut: MergeOrganizationHandler;
  const ctx = { actor: actor('county'), correlationId: 'c-1' };

  const transfer = (id: string, fromOrgId: string, toOrgId: string, status: TransferStatus = 'accepted') => {
    const t = MemberTransfer.restore({
      id,
      memberId: `m-${id}`,
      fromOrgId,
      toOrgId,
      requestedOn: '2011-06-01',
      deadline: '2011-07-01',
      status,
      decidedOn: status === 'requested' ? null : '2011-06-02',
      completedOn: status === 'completed' ? '2011-06-03' : null,
      cancelledOn: null,
      reason: null,
      version: 1,
    });
    transfers.rows.set(id, t);
    return t;
  };
  const state = (id: string) => {
    const t = transfers.rows.get(id)!;
    return { from: t.fromOrgId, to: t.toOrgId, status: t.status, reason: t.reason };
  };

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    transfers = new InMemoryTransfers();
    const m = Member.join(
      { id: 'm-t-1', orgId: 'village-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] },
      '2011-01-01',
    );
    members.rows.set(m.id, m);
    outbox = new RecordingOutbox();
    sut = new MergeOrganizationHandler(organizations, members, transfers, outbox, directUnitOfWork, fixedClock('2011-06-30'));
  });

  it('When_TheAbsorbedOrganisationSendsOrReceives_Then_ItsSideOfEachOpenTransferIsTheSurvivors', async () => {
    transfer('t-1', 'village-a', 'town-a');
    transfer('t-2', 'town-a', 'village-a', 'requested');

    await sut.execute(new MergeOrganizationCommand(ctx, 'village-a', 'town-b'));

    expect([state('t-1'), state('t-2')]).toEqual([
      { from: 'town-b', to: 'town-a', status: 'accepted', reason: null },
      { from: 'town-a', to: 'town-b', status: 'requested', reason: null },
    ]);
    // The member followed the merge, so the re-pointed transfer can complete from the survivor.
    expect(members.rows.get('m-t-1')?.orgId).toBe('town-b');
    // Re-pointing publishes nothing of its own: OrganizationMerged says which side is the survivor's (ADR 0129).
    expect(outbox.names()).toEqual(['OrganizationMerged']);
  });

  it('When_TheSurvivorIsTheOtherSide_Then_TheTransferEndsWithTheReason', async () => {
    transfer('t-1', 'village-a', 'village-b');

    await sut.execute(new MergeOrganizationCommand(ctx, 'village-a', 'village-b'));

    expect(state('t-1')).toEqual({ from: 'village-b', to: 'village-b', status: 'cancelled', reason: TRANSFER_ENDINGS.mergedIntoOne });
    expect(transfers.rows.get('t-1')?.cancelledOn).toBe('2011-06-30');
    expect(outbox.names()).toEqual(['OrganizationMerged', 'MemberTransferCancelled']);
    expect(outbox.written[0]?.events[1]).toMatchObject({
      aggregateId: 'm-t-1',
      orgId: 'village-b',
      data: { transferId: 't-1', fromOrgId: 'village-b', toOrgId: 'village-b', cancelledOn: '2011-06-30', reason: 'merged_into_one' },
    });
  });

  it('When_TransfersAreClosedOrElsewhere_Then_LeavesThemAsTheyWere', async () => {
    transfer('t-1', 'village-a', 'village-b', 'completed');
    transfer('t-2', 'town-a', 'village-b', 'requested');

    await sut.execute(new MergeOrganizationCommand(ctx, 'village-a', 'town-b'));

    expect([state('t-1'), state('t-2')]).toEqual([
      { from: 'village-a', to: 'village-b', status: 'completed', reason: null },
      { from: 'town-a', to: 'village-b', status: 'requested', reason: null },
    ]);
  });
});
