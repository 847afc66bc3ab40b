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
import { GrantVanguardPostCommand } from './grant-vanguard-post.command';
import { GrantVanguardPostHandler } from './grant-vanguard-post.handler';

describe(GrantVanguardPostHandler.name, () => {
  let members: InMemoryMembers;
  let outbox: RecordingOutbox;
  let units: number;
  let locks: string[];
  let sut: GrantVanguardPostHandler;
  const ctx = { actor: actor('town-a'), correlationId: 'c-1' };

  beforeEach(() => {
    const organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    outbox = new RecordingOutbox();
    const m = Member.join(
      { id: 'm-1', orgId: 'village-a', name: '王某', status: 'full', joinedOn: '2000-07-01', roles: [], posts: [] },
      '2011-01-01',
    );
    m.pullEvents();
    members.rows.set(m.id, m);
    locks = recordLocks(organizations, members);
    units = 0;
    const uow: UnitOfWork = {
      run: (work) => {
        units++;
        return work();
      },
    };
    sut = new GrantVanguardPostHandler(organizations, members, outbox, uow, fixedClock('2011-06-30'));
  });

  it('When_TheCallerHoldsTheMembersOrganisation_Then_LocksItSharedBeforeTheMemberAndPublishesThePost', async () => {
    await sut.execute(new GrantVanguardPostCommand(ctx, 'm-1', 'pioneer_post'));

    expect(locks).toEqual(['organization village-a share', 'member m-1']);
    expect(members.rows.get('m-1')?.posts).toEqual(['pioneer_post']);
    expect(outbox.names()).toEqual(['VanguardPostGranted']);
  });

  it('When_TheMemberMovedWhileHisOrganisationWasLocked_Then_RunsAgainInANewUnitOfWorkFromTheNewOne', async () => {
    members.rows.get('m-1')!.moveWithMergedOrganization('town-a', '2011-06-29');
    let reads = 0;
    members.orgOf = (id) => Promise.resolve(reads++ === 0 ? 'village-a' : (members.rows.get(id)?.orgId ?? null));

    await sut.execute(new GrantVanguardPostCommand(ctx, 'm-1', 'pioneer_post'));

    expect(units).toBe(2);
    expect(outbox.written[0]?.events[0]).toMatchObject({ name: 'VanguardPostGranted', orgId: 'town-a' });
  });
});
