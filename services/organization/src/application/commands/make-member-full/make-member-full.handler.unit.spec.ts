import { Member } from '../../../domain/member/member.aggregate';
import type { DomainError } from '../../../domain/shared/domain-error';
import {
  actor,
  demoTree,
  directUnitOfWork,
  fixedClock,
  InMemoryMembers,
  InMemoryOrganizations,
  RecordingOutbox,
  recordLocks,
} from '../../testing/in-memory-ports';
import { MakeMemberFullCommand } from './make-member-full.command';
import { MakeMemberFullHandler } from './make-member-full.handler';

describe(MakeMemberFullHandler.name, () => {
  let members: InMemoryMembers;
  let organizations: InMemoryOrganizations;
  let outbox: RecordingOutbox;
  let locks: string[];
  let sut: MakeMemberFullHandler;
  const ctx = { actor: actor('town-a'), correlationId: 'c-1' };

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    members = new InMemoryMembers();
    const m = Member.join(
      { id: 'm-1', orgId: 'village-a', name: '王某', status: 'probationary', joinedOn: '2010-07-01', roles: [], posts: [] },
      '2011-01-01',
    );
    m.pullEvents();
    members.rows.set(m.id, m);
    locks = recordLocks(organizations, members);
    outbox = new RecordingOutbox();
    sut = new MakeMemberFullHandler(organizations, members, outbox, directUnitOfWork, fixedClock('2011-07-15'));
  });

  it('When_TheCallerHoldsTheMembersOrganisation_Then_LocksItSharedBeforeTheMember_AndSavesHimFull', async () => {
    await sut.execute(new MakeMemberFullCommand(ctx, 'm-1', '2011-07-01'));

    expect(locks).toEqual(['organization village-a share', 'member m-1']);
    expect(members.rows.get('m-1')?.status).toBe('full');
    expect(members.rows.get('m-1')?.history.at(-1)).toMatchObject({ on: '2011-07-01', kind: 'became_full' });
  });

  it('When_HeIsMadeFull_Then_MemberBecameFullGoesToTheOutboxWithTheCallersContext', async () => {
    await sut.execute(new MakeMemberFullCommand(ctx, 'm-1', '2011-07-01'));

    expect(outbox.names()).toEqual(['MemberBecameFull']);
    expect(outbox.written[0]?.events[0]).toMatchObject({
      orgId: 'village-a',
      data: { memberId: 'm-1', orgId: 'village-a', fullOn: '2011-07-01' },
    });
    expect(outbox.written[0]?.context.correlationId).toBe('c-1');
  });

  it('When_TheDayIsAfterTheClocksToday_Then_RefusesIt_AndTheMemberStaysProbationary', async () => {
    const refusal = await sut.execute(new MakeMemberFullCommand(ctx, 'm-1', '2011-07-16')).catch((e: DomainError) => e.code);

    expect(refusal).toBe('MEMBER.FULL_IN_FUTURE');
    expect(members.rows.get('m-1')?.status).toBe('probationary');
    expect(outbox.written).toEqual([]);
  });

  it('When_TheCallerIsOutsideTheMembersSubtree_Then_RefusesWithoutChangingHim', async () => {
    const outsider = { actor: actor('town-b'), correlationId: 'c-2' };

    const refusal = await sut.execute(new MakeMemberFullCommand(outsider, 'm-1', '2011-07-01')).catch((e: DomainError) => e.kind);

    expect(refusal).toBe('forbidden');
    expect(members.rows.get('m-1')?.status).toBe('probationary');
  });
});
