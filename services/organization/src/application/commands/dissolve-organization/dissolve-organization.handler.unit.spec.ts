import { MemberTransfer, TRANSFER_ENDINGS } from '../../../domain/transfer/member-transfer.aggregate';
import {
  actor,
  demoTree,
  directUnitOfWork,
  fixedClock,
  InMemoryOrganizations,
  InMemoryTransfers,
  RecordingOutbox,
} from '../../testing/in-memory-ports';
import { DissolveOrganizationCommand } from './dissolve-organization.command';
import { DissolveOrganizationHandler } from './dissolve-organization.handler';

describe(DissolveOrganizationHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let outbox: RecordingOutbox;
  let transfers: InMemoryTransfers;
  let sut: DissolveOrganizationHandler;
  const ctx = { actor: actor('county'), correlationId: 'c-1' };

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    outbox = new RecordingOutbox();
    transfers = new InMemoryTransfers();
    sut = new DissolveOrganizationHandler(organizations, transfers, outbox, directUnitOfWork, fixedClock('2011-06-30'));
  });

  it('When_TheOrganisationIsEmpty_Then_DissolvesItOnTodayAndPublishesOrganizationDissolved', async () => {
    await sut.execute(new DissolveOrganizationCommand(ctx, 'village-a', '项目结束'));

    expect(organizations.rows.get('village-a')?.status).toBe('dissolved');
    expect(outbox.written[0]?.events[0]).toMatchObject({
      name: 'OrganizationDissolved',
      data: { dissolvedOn: '2011-06-30', reason: '项目结束' },
    });
  });

  it('When_MembersRemain_Then_RefusesAndPublishesNothing', async () => {
    organizations.members.set('village-a', 12);

    await expect(sut.execute(new DissolveOrganizationCommand(ctx, 'village-a'))).rejects.toMatchObject({
      code: 'ORGANIZATION.HAS_MEMBERS',
      kind: 'rule',
    });
    expect(organizations.rows.get('village-a')?.status).toBe('active');
    expect(outbox.written).toHaveLength(0);
  });

  it('When_ActiveChildrenRemain_Then_Refuses', async () => {
    await expect(sut.execute(new DissolveOrganizationCommand(ctx, 'town-a'))).rejects.toMatchObject({ code: 'ORGANIZATION.HAS_CHILDREN' });
  });

  it('When_TheCallerHoldsAnotherSubtree_Then_RefusesOutOfScope', async () => {
    await expect(
      sut.execute(new DissolveOrganizationCommand({ actor: actor('town-b'), correlationId: 'c' }, 'village-a')),
    ).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
  });

  it('When_TransfersTowardsItAreOpen_Then_EndsThemWithTheReasonAndLeavesOthersAlone', async () => {
    const transfer = (id: string, toOrgId: string, status: 'requested' | 'accepted') =>
      MemberTransfer.restore({
        id,
        memberId: `m-${id}`,
        fromOrgId: 'village-b',
        toOrgId,
        requestedOn: '2011-06-01',
        deadline: '2011-07-01',
        status,
        decidedOn: status === 'accepted' ? '2011-06-02' : null,
        completedOn: null,
        cancelledOn: null,
        reason: null,
        version: 1,
      });
    for (const t of [
      transfer('t-1', 'village-a', 'requested'),
      transfer('t-2', 'village-a', 'accepted'),
      transfer('t-3', 'town-a', 'requested'),
    ])
      transfers.rows.set(t.id, t);

    await sut.execute(new DissolveOrganizationCommand(ctx, 'village-a'));

    const state = (id: string) => {
      const t = transfers.rows.get(id)!;
      return { status: t.status, cancelledOn: t.cancelledOn, reason: t.reason };
    };
    const ended = { status: 'cancelled', cancelledOn: '2011-06-30', reason: TRANSFER_ENDINGS.receiverDissolved };
    expect([state('t-1'), state('t-2'), state('t-3')]).toEqual([ended, ended, { status: 'requested', cancelledOn: null, reason: null }]);
    // One MemberTransferCancelled per ended transfer, beside OrganizationDissolved, in the same write.
    expect(outbox.names()).toEqual(['OrganizationDissolved', 'MemberTransferCancelled', 'MemberTransferCancelled']);
    const published = outbox.written[0]?.events.slice(1).map(({ data }) => [data['transferId'], data['toOrgId'], data['reason']]);
    expect(published).toEqual([
      ['t-1', 'village-a', 'receiver_dissolved'],
      ['t-2', 'village-a', 'receiver_dissolved'],
    ]);
  });

  it('When_NoTransferTowardsItIsOpen_Then_PublishesOnlyOrganizationDissolved', async () => {
    await sut.execute(new DissolveOrganizationCommand(ctx, 'village-a'));

    expect(outbox.names()).toEqual(['OrganizationDissolved']);
  });

  it('When_TheDissolutionIsRefused_Then_TransfersTowardsItStayOpen', async () => {
    organizations.members.set('village-a', 1);
    const t = MemberTransfer.restore({
      id: 't-1',
      memberId: 'm-1',
      fromOrgId: 'village-b',
      toOrgId: 'village-a',
      requestedOn: '2011-06-01',
      deadline: '2011-07-01',
      status: 'requested',
      decidedOn: null,
      completedOn: null,
      cancelledOn: null,
      reason: null,
      version: 1,
    });
    transfers.rows.set(t.id, t);

    await expect(sut.execute(new DissolveOrganizationCommand(ctx, 'village-a'))).rejects.toMatchObject({
      code: 'ORGANIZATION.HAS_MEMBERS',
    });
    expect(t.status).toBe('requested');
  });
});
