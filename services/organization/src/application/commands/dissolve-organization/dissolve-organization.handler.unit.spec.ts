import { actor, demoTree, directUnitOfWork, fixedClock, InMemoryOrganizations, RecordingOutbox } from '../../testing/in-memory-ports';
import { DissolveOrganizationCommand } from './dissolve-organization.command';
import { DissolveOrganizationHandler } from './dissolve-organization.handler';

describe(DissolveOrganizationHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let outbox: RecordingOutbox;
  let sut: DissolveOrganizationHandler;
  const ctx = { actor: actor('county'), correlationId: 'c-1' };

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    demoTree(organizations);
    outbox = new RecordingOutbox();
    sut = new DissolveOrganizationHandler(organizations, outbox, directUnitOfWork, fixedClock('2011-06-30'));
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
});
