import { Member } from '../../../domain/member/member.aggregate';
import type { UnitOfWork } from '../../ports/unit-of-work.port';
import {
  actor,
  demoTree,
  fixedClock,
  InMemoryMembers,
  InMemoryOrganizations,
  RecordingOutbox,
  recordLocks,
} from '../../testing/in-memory-ports';
import { AssignMemberRoleCommand } from './assign-member-role.command';
import { AssignMemberRoleHandler } from './assign-member-role.handler';

describe(AssignMemberRoleHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let members: InMemoryMembers;
  let outbox: RecordingOutbox;
  let units: number;
  let locks: string[];
  let sut: AssignMemberRoleHandler;
  const ctx = (orgId: string) => ({ actor: actor(orgId), correlationId: 'c-1' });

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    outbox = new RecordingOutbox();
    const m = Member.join(
      { id: 'm-1', orgId: 'village-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] },
      '2011-01-01',
    );
    m.pullEvents();
    members.rows.set(m.id, m);
    // Which rows each run locks, in order; every run its own unit of work.
    locks = recordLocks(organizations, members);
    units = 0;
    const uow: UnitOfWork = {
      run: (work) => {
        units++;
        return work();
      },
    };
    sut = new AssignMemberRoleHandler(organizations, members, outbox, uow, fixedClock('2011-06-30'));
  });

  it('When_TheCallerHoldsTheMembersOrganisation_Then_LocksItSharedBeforeTheMemberAndPublishesTheRole', async () => {
    await sut.execute(new AssignMemberRoleCommand(ctx('town-a'), 'm-1', 'secretary'));

    // The order a merge takes them (ADR 0129): locking the member first deadlocked with it.
    expect(locks).toEqual(['organization village-a share', 'member m-1']);
    expect(members.rows.get('m-1')?.roles).toEqual(['secretary']);
    expect(outbox.names()).toEqual(['MemberRoleAssigned']);
  });

  it('When_TheMemberMovedWhileHisOrganisationWasLocked_Then_RunsAgainInANewUnitOfWorkFromTheNewOne', async () => {
    // A merge committed between reading the member's organisation and locking him.
    members.rows.get('m-1')!.moveWithMergedOrganization('town-a', '2011-06-29');
    let reads = 0;
    members.orgOf = (id) => Promise.resolve(reads++ === 0 ? 'village-a' : (members.rows.get(id)?.orgId ?? null));

    await sut.execute(new AssignMemberRoleCommand(ctx('town-a'), 'm-1', 'secretary'));

    expect(units).toBe(2);
    expect(locks).toEqual(['organization village-a share', 'member m-1', 'organization town-a share', 'member m-1']);
    expect(outbox.written).toHaveLength(1);
    expect(outbox.written[0]?.events[0]).toMatchObject({ name: 'MemberRoleAssigned', orgId: 'town-a' });
  });

  it('When_TheMemberKeepsMoving_Then_AsksTheCallerToRetryAfterThreeRunsAndAssignsNothing', async () => {
    members.orgOf = () => Promise.resolve('village-b');

    await expect(sut.execute(new AssignMemberRoleCommand(ctx('county'), 'm-1', 'secretary'))).rejects.toMatchObject({
      code: 'MEMBER.CONCURRENT_MODIFICATION',
      kind: 'conflict',
    });
    expect(units).toBe(3);
    expect(members.rows.get('m-1')?.roles).toEqual([]);
    expect(outbox.written).toHaveLength(0);
  });

  it('When_TheCallerHoldsAnotherSubtree_Then_RefusesOutOfScopeBeforeLockingAnything', async () => {
    await expect(sut.execute(new AssignMemberRoleCommand(ctx('town-b'), 'm-1', 'secretary'))).rejects.toMatchObject({
      code: 'AUTH.OUT_OF_SCOPE',
    });
    // Read unlocked and refused there: an outsider holds no organisation until told no.
    expect(locks).toEqual([]);
  });

  it('When_TheMemberIsUnknown_Then_NotFound', async () => {
    await expect(sut.execute(new AssignMemberRoleCommand(ctx('town-a'), 'nobody', 'secretary'))).rejects.toMatchObject({
      code: 'MEMBER.NOT_FOUND',
    });
  });
});
