import { Member } from '../../../domain/member/member.aggregate';
import {
  actor,
  demoTree,
  directUnitOfWork,
  fixedClock,
  InMemoryMembers,
  InMemoryOrganizations,
  InMemoryTransfers,
  RecordingOutbox,
  sequentialIds,
} from '../../testing/in-memory-ports';
import { RequestTransferCommand } from './request-transfer.command';
import { RequestTransferHandler } from './request-transfer.handler';

describe(RequestTransferHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let members: InMemoryMembers;
  let transfers: InMemoryTransfers;
  let outbox: RecordingOutbox;
  let sut: RequestTransferHandler;

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
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
    sut = new RequestTransferHandler(
      organizations,
      members,
      transfers,
      outbox,
      directUnitOfWork,
      sequentialIds('t'),
      fixedClock('2011-05-01'),
    );
  });

  const ctx = (orgId: string) => ({ actor: actor(orgId, ['branch_secretary']), correlationId: 'c-1' });

  it('When_TheOldOrganisationRequests_Then_OpensATransferWithTheDefaultDeadlineAndPublishesIt', async () => {
    const { id } = await sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'village-b'));

    expect(transfers.rows.get(id)).toMatchObject({
      status: 'requested',
      fromOrgId: 'village-a',
      toOrgId: 'village-b',
      deadline: '2011-05-31',
    });
    expect(outbox.names()).toEqual(['MemberTransferRequested']);
  });

  it('When_TheReceivingSideRequests_Then_RefusesOutOfScopeBeforeLockingEitherOrganisation', async () => {
    // A cold review: both organisations were locked for update before the scope check, so anyone
    // with the role could hold any two organisations (stalling enrolments there) until refused.
    const locked: string[] = [];
    const find = organizations.findById.bind(organizations);
    organizations.findById = (id: string) => (locked.push(id), find(id));

    await expect(sut.execute(new RequestTransferCommand(ctx('town-b'), 'm-1', 'village-b'))).rejects.toMatchObject({
      code: 'AUTH.OUT_OF_SCOPE',
    });
    expect(transfers.rows.size).toBe(0);
    expect(locked).toEqual([]);
  });

  it('When_TargetIsTheMembersOwnOrganisation_Then_RefusesWithARuleViolation', async () => {
    await expect(sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'village-a'))).rejects.toMatchObject({
      code: 'TRANSFER.SAME_ORGANIZATION',
      kind: 'rule',
    });
  });

  it('When_ATransferIsAlreadyOpen_Then_RefusesTheSecond', async () => {
    await sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'village-b'));
    await expect(sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'town-b'))).rejects.toMatchObject({
      code: 'TRANSFER.ALREADY_OPEN',
      kind: 'conflict',
    });
  });

  it('When_TheMemberMovedWhileHisOrganisationWasLocked_Then_RunsAgainAndRequestsFromTheNewOne', async () => {
    // A merge committed between reading the member's organisation and locking him (ADR 0129).
    members.rows.get('m-1')!.moveWithMergedOrganization('town-a', '2011-04-30');
    let reads = 0;
    members.orgOf = (id) => Promise.resolve(reads++ === 0 ? 'village-a' : (members.rows.get(id)?.orgId ?? null));

    const { id } = await sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'village-b'));

    expect(reads).toBe(2);
    expect(transfers.rows.get(id)).toMatchObject({ fromOrgId: 'town-a', toOrgId: 'village-b' });
    expect(outbox.names()).toEqual(['MemberTransferRequested']);
  });

  it('When_TheMemberKeepsMoving_Then_AsksTheCallerToRetryAndRequestsNothing', async () => {
    members.orgOf = () => Promise.resolve('village-b');

    await expect(sut.execute(new RequestTransferCommand(ctx('county'), 'm-1', 'town-b'))).rejects.toMatchObject({
      code: 'MEMBER.CONCURRENT_MODIFICATION',
      kind: 'conflict',
    });
    expect(transfers.rows.size).toBe(0);
  });

  it('When_TheReceiverIsUnknown_Then_RefusesOutOfScopeBeforeSayingSo', async () => {
    // Someone else's member is answered like an unknown one (the controller conceals 403), whatever the receiver.
    await expect(sut.execute(new RequestTransferCommand(ctx('town-b'), 'm-1', 'nowhere'))).rejects.toMatchObject({
      code: 'AUTH.OUT_OF_SCOPE',
    });
    await expect(sut.execute(new RequestTransferCommand(ctx('town-a'), 'm-1', 'nowhere'))).rejects.toMatchObject({
      code: 'ORGANIZATION.NOT_FOUND',
    });
  });

  it('When_TheMemberIsUnknown_Then_NotFound', async () => {
    await expect(sut.execute(new RequestTransferCommand(ctx('town-a'), 'nobody', 'village-b'))).rejects.toMatchObject({
      code: 'MEMBER.NOT_FOUND',
      kind: 'not_found',
    });
  });
});
