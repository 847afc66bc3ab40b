/* eslint-disable @typescript-eslint/require-await -- in-memory fakes implement the async ports synchronously */
import type { Member } from '../../domain/member/member.aggregate';
import { OrgCode } from '../../domain/organization/org-code.value-object';
import { Organization, type OrganizationProps } from '../../domain/organization/organization.aggregate';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';
import type { Actor } from '../ports/actor';
import type { Clock } from '../ports/clock.port';
import type { MemberTransferRepository } from '../ports/member-transfer.repository.port';
import type { MemberRepository } from '../ports/member.repository.port';
import type { OrganizationRepository, RowLock } from '../ports/organization.repository.port';
import type { EventContext, Outbox } from '../ports/outbox.port';
import type { UnitOfWork } from '../ports/unit-of-work.port';
import type { ScopeFact } from '../scope/access-scope';

// In-memory stand-ins for the application's ports, for handler unit specs only; the
// TypeORM adapters are exercised against the real Postgres in the int/e2e suites.

export class InMemoryOrganizations implements OrganizationRepository {
  readonly rows = new Map<string, Organization>();
  members = new Map<string, number>();
  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  async findByCode(code: string) {
    return [...this.rows.values()].find((o) => o.code === code) ?? null;
  }
  async save(org: Organization) {
    this.rows.set(org.id, org);
  }
  async census(id: string) {
    const children = [...this.rows.values()].filter((o) => o.parentId === id && o.status === 'active').length;
    return { activeMembers: this.members.get(id) ?? 0, activeChildren: children };
  }
  async lockSubtree(id: string) {
    const below = [...this.rows.values()].filter((o) => o.ancestorIds.includes(id)).map((o) => o.code);
    return { longest: below.reduce<string | null>((l, c) => (l === null || c.length > l.length ? c : l), null) };
  }
  async scopeFacts(ids: readonly string[]) {
    return scopeFactsOf(this.rows, ids);
  }
  async lockInIdOrder() {}
}

/** The scope facts the SQL adapter reads, from in-memory organisations. */
export function scopeFactsOf(rows: ReadonlyMap<string, Organization>, ids: readonly string[]): ReadonlyMap<string, ScopeFact> {
  const found = ids.map((id) => rows.get(id)).filter((o): o is Organization => o !== undefined);
  return new Map(found.map((o) => [o.id, { parentId: o.parentId, status: o.status, mergedIntoId: o.mergedIntoId, path: o.path }]));
}

export class InMemoryMembers implements MemberRepository {
  readonly rows = new Map<string, Member>();
  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  async orgOf(id: string) {
    return this.rows.get(id)?.orgId ?? null;
  }
  async save(m: Member) {
    this.rows.set(m.id, m);
  }
  async saveAll(members: readonly Member[]) {
    for (const m of members) this.rows.set(m.id, m);
  }
  async activeOf(orgId: string) {
    return [...this.rows.values()].filter((m) => m.orgId === orgId && m.membership === 'active');
  }
}

export class InMemoryTransfers implements MemberTransferRepository {
  readonly rows = new Map<string, MemberTransfer>();
  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  async countOpenFor(memberId: string) {
    return [...this.rows.values()].filter((t) => t.memberId === memberId && t.isOpen).length;
  }
  async openOf(memberId: string) {
    return [...this.rows.values()].find((t) => t.memberId === memberId && t.isOpen) ?? null;
  }
  async openInvolving(orgId: string) {
    return this.open().filter((t) => t.fromOrgId === orgId || t.toOrgId === orgId);
  }
  async openTo(orgId: string) {
    return this.open().filter((t) => t.toOrgId === orgId);
  }
  private open() {
    return [...this.rows.values()].filter((t) => t.isOpen).sort((a, b) => a.id.localeCompare(b.id));
  }
  async save(t: MemberTransfer) {
    this.rows.set(t.id, t);
  }
}

export class RecordingOutbox implements Outbox {
  readonly written: { events: readonly DomainEvent[]; context: EventContext }[] = [];
  async add(events: readonly DomainEvent[], context: EventContext) {
    this.written.push({ events, context });
  }
  names(): string[] {
    return this.written.flatMap((w) => w.events.map((e) => e.name));
  }
}

export const directUnitOfWork: UnitOfWork = { run: (work) => work() };
export const fixedClock = (day: string): Clock => ({ now: () => new Date(`${day}T08:00:00Z`), today: () => day });
export const sequentialIds = (prefix = 'id') => {
  let n = 0;
  return { newId: () => `${prefix}-${++n}` };
};
export const actor = (orgId: string, roles: string[] = ['organizer']): Actor => ({ sub: 'u-1', username: 'u', roles, orgId, kind: 'user' });

/** province → county → two townships, each holding one village. */
export function demoTree(organizations: InMemoryOrganizations): void {
  const add = (
    p: Omit<
      OrganizationProps,
      'code' | 'name' | 'kind' | 'sector' | 'establishedOn' | 'temporary' | 'status' | 'mergedIntoId' | 'version'
    > & { code: string },
  ) =>
    organizations.rows.set(
      p.id,
      Organization.restore({
        ...p,
        code: OrgCode.of(p.code),
        name: p.id,
        kind: 'committee',
        sector: 'rural',
        establishedOn: '2000-01-01',
        temporary: false,
        status: 'active',
        mergedIntoId: null,
        version: 1,
      }),
    );
  add({ id: 'province', code: '91', level: 'province', parentId: null, ancestorIds: [] });
  add({ id: 'county', code: '9104', level: 'county', parentId: 'province', ancestorIds: ['province'] });
  add({ id: 'town-a', code: '9104101', level: 'township', parentId: 'county', ancestorIds: ['province', 'county'] });
  add({ id: 'town-b', code: '9104102', level: 'township', parentId: 'county', ancestorIds: ['province', 'county'] });
  add({ id: 'village-a', code: '9104101201', level: 'village', parentId: 'town-a', ancestorIds: ['province', 'county', 'town-a'] });
  add({ id: 'village-b', code: '9104102201', level: 'village', parentId: 'town-b', ancestorIds: ['province', 'county', 'town-b'] });
}

/**
 * The rows a handler locks, in order (`organization <id> <lock>`, `member <id>`), read from the two
 * repositories' finds: member commands take the organisation before the member (ADR 0129).
 */
export function recordLocks(organizations: InMemoryOrganizations, members: InMemoryMembers): string[] {
  const locks: string[] = [];
  const findOrganization = organizations.findById.bind(organizations);
  organizations.findById = (id: string, lock?: RowLock) => {
    locks.push(`organization ${id} ${lock ?? 'update'}`);
    return findOrganization(id);
  };
  const findMember = members.findById.bind(members);
  members.findById = (id) => {
    locks.push(`member ${id}`);
    return findMember(id);
  };
  return locks;
}
