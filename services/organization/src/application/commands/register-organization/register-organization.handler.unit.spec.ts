/* eslint-disable @typescript-eslint/require-await -- in-memory fakes implement the async ports synchronously */
import { Organization } from '../../../domain/organization/organization.aggregate';
import type { DomainEvent } from '../../../domain/shared/aggregate-root';
import type { Actor } from '../../ports/actor';
import type { Clock } from '../../ports/clock.port';
import type { OrganizationRepository } from '../../ports/organization.repository.port';
import type { EventContext, Outbox } from '../../ports/outbox.port';
import { scopeFactsOf } from '../../testing/in-memory-ports';
import { RegisterOrganizationCommand } from './register-organization.command';
import { RegisterOrganizationHandler } from './register-organization.handler';

class InMemoryOrganizations implements OrganizationRepository {
  readonly rows = new Map<string, Organization>();
  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  async findByCode(code: string) {
    return [...this.rows.values()].find((o) => o.code === code) ?? null;
  }
  async save(org: Organization) {
    this.rows.set(org.id, org);
  }
  async census() {
    return { activeMembers: 0, activeChildren: 0 };
  }
  async lockSubtree() {
    return { longest: null };
  }
  async scopeFacts(ids: readonly string[]) {
    return scopeFactsOf(this.rows, ids);
  }
  async lockInIdOrder() {}
}

class RecordingOutbox implements Outbox {
  readonly written: { events: readonly DomainEvent[]; context: EventContext }[] = [];
  async add(events: readonly DomainEvent[], context: EventContext) {
    this.written.push({ events, context });
  }
}

const CLOCK_ON: Clock = { now: () => new Date('2011-06-01T04:00:00Z'), today: () => '2011-06-01' };

const actor = (orgId: string, roles: string[] = ['organizer']): Actor => ({ sub: 'u-1', username: 'u', roles, orgId, kind: 'user' });

describe(RegisterOrganizationHandler.name, () => {
  let organizations: InMemoryOrganizations;
  let outbox: RecordingOutbox;
  let sut: RegisterOrganizationHandler;

  beforeEach(() => {
    organizations = new InMemoryOrganizations();
    outbox = new RecordingOutbox();
    sut = new RegisterOrganizationHandler(organizations, outbox, { run: (work) => work() }, { newId: () => 'new-id' }, CLOCK_ON);
    const county = Organization.restore({
      id: 'county',
      code: { value: '910425', extends: () => false } as never,
      name: '松岭旗',
      level: 'county',
      kind: 'committee',
      sector: 'government_organ',
      parentId: 'city',
      ancestorIds: ['province', 'city'],
      establishedOn: '1949-11-20',
      temporary: false,
      status: 'active',
      mergedIntoId: null,
      version: 1,
    });
    organizations.rows.set(county.id, county);
  });

  const command = (a: Actor, code = '910425103') =>
    new RegisterOrganizationCommand(
      { actor: a, correlationId: 'corr-1' },
      {
        code,
        name: '新镇',
        level: 'township',
        kind: 'committee',
        sector: 'rural',
        parentId: 'county',
        establishedOn: '2011-01-01',
        temporary: false,
      },
    );

  it('When_CallerHoldsTheParent_Then_SavesAndWritesOrganizationRegisteredWithTheCorrelation', async () => {
    const result = await sut.execute(command(actor('county')));

    expect(result).toMatchObject({ id: 'new-id', organization: { id: 'new-id', parentId: 'county', code: '910425103', status: 'active' } });
    expect(result.organization.path).toEqual(['province', 'city', 'county', 'new-id']);
    expect(organizations.rows.get('new-id')?.path).toEqual(['province', 'city', 'county', 'new-id']);
    expect(outbox.written).toHaveLength(1);
    expect(outbox.written[0]?.events.map((e) => e.name)).toEqual(['OrganizationRegistered']);
    expect(outbox.written[0]?.context).toMatchObject({ correlationId: 'corr-1', actor: { sub: 'u-1' } });
  });

  it('When_ParentIsOutsideTheCallersSubtree_Then_RefusesOutOfScopeAndWritesNothing', async () => {
    await expect(sut.execute(command(actor('other-county')))).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE', kind: 'forbidden' });
    expect(outbox.written).toHaveLength(0);
    expect(organizations.rows.has('new-id')).toBe(false);
  });

  it('When_CodeIsTaken_Then_RefusesWithConflict', async () => {
    await sut.execute(command(actor('county')));
    sut = new RegisterOrganizationHandler(organizations, outbox, { run: (work) => work() }, { newId: () => 'second' }, CLOCK_ON);

    await expect(sut.execute(command(actor('county')))).rejects.toMatchObject({ code: 'ORGANIZATION.CODE_TAKEN', kind: 'conflict' });
  });

  const newProvince = (a: Actor) =>
    new RegisterOrganizationCommand(
      { actor: a, correlationId: 'c' },
      {
        code: '92',
        name: '另一省',
        level: 'province',
        kind: 'committee',
        sector: 'government_organ',
        parentId: null,
        establishedOn: '2011-01-01',
        temporary: false,
      },
    );
  const addProvince = (status: 'active' | 'dissolved' = 'active') => {
    const province = Organization.restore({
      id: 'province',
      code: { value: '91', extends: () => false } as never,
      name: '某省',
      level: 'province',
      kind: 'committee',
      sector: 'government_organ',
      parentId: null,
      ancestorIds: [],
      establishedOn: '1949-10-01',
      temporary: false,
      status,
      mergedIntoId: null,
      version: 1,
    });
    organizations.rows.set(province.id, province);
  };

  it('When_NoParentAndNotAdmin_Then_RefusesToCreateARoot', async () => {
    await expect(sut.execute(newProvince(actor('county')))).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
  });

  it('When_NoParentAndAnAdminOfACounty_Then_RefusesBeforeStoringAnything', async () => {
    addProvince();

    await expect(sut.execute(newProvince(actor('county', ['admin'])))).rejects.toMatchObject({
      code: 'AUTH.OUT_OF_SCOPE',
      kind: 'forbidden',
    });
    expect(organizations.rows.has('new-id')).toBe(false);
    expect(outbox.written).toHaveLength(0);
  });

  it('When_NoParentAndAnAdminOfADissolvedProvince_Then_RefusesToCreateARoot', async () => {
    addProvince('dissolved');

    await expect(sut.execute(newProvince(actor('province', ['admin'])))).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    expect(organizations.rows.has('new-id')).toBe(false);
  });

  it('When_NoParentAndAnAdminOfAProvince_Then_RegistersTheRootAndAnswersItAsStored', async () => {
    addProvince();

    const result = await sut.execute(newProvince(actor('province', ['admin'])));

    expect(result.organization).toMatchObject({ id: 'new-id', parentId: null, path: ['new-id'], level: 'province', code: '92' });
    expect(organizations.rows.get('new-id')?.parentId).toBeNull();
    expect(outbox.written[0]?.events.map((e) => e.name)).toEqual(['OrganizationRegistered']);
  });
});
