import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type {
  ContactPointView,
  MemberDetailView,
  MemberFilter,
  MemberView,
  OrganizationFilter,
  OrganizationReadModel,
  OrganizationView,
  Page,
  PageRequest,
  TransferView,
  VisitView,
} from '../../application/ports/organization-read-model.port';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { MemberRole, MemberStatus, Membership, VanguardPost } from '../../domain/member/member.vocabulary';
import { PersonalData } from '../../domain/member/personal-data.value-object';
import type { OrgKind, OrgLevel, OrgStatus, Sector } from '../../domain/organization/organization.vocabulary';
import type { TransferStatus } from '../../domain/transfer/member-transfer.aggregate';
import { DomainError } from '../../domain/shared/domain-error';
import { fromPath, toPath } from './organization.mapper';
import { readScopeFacts } from './scope-facts.sql';
import type { ScopeFact } from '../../application/scope/access-scope';

const ORG_COLUMNS = `o.id, o.code, o.name, o.level, o.kind, o.sector, o.parent_id, o.path, to_char(o.established_on, 'YYYY-MM-DD') as established_on, o.temporary, o.status, o.merged_into_id`;

interface OrgRow {
  id: string;
  code: string;
  name: string;
  level: string;
  kind: string;
  sector: string;
  parent_id: string | null;
  path: string;
  established_on: string;
  temporary: boolean;
  status: string;
  merged_into_id: string | null;
}

const toOrgView = (r: OrgRow): OrganizationView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  level: r.level as OrgLevel,
  kind: r.kind as OrgKind,
  sector: r.sector as Sector,
  parentId: r.parent_id,
  path: fromPath(r.path),
  establishedOn: r.established_on,
  temporary: r.temporary,
  status: r.status as OrgStatus,
  mergedIntoId: r.merged_into_id,
});

/** Opaque cursors: the last row's sort key, base64url. */
const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string | undefined): string | undefined =>
  cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const badCursor = () => new DomainError('REQUEST.CURSOR_INVALID', 'invalid', '分页游标无效 / cursor is not one this service issued');

/** A cursor over uuid-ordered rows; anything else is the caller's mistake (400), never a SQL error. */
function uuidCursor(cursor: string | undefined): string | undefined {
  const key = decodeCursor(cursor);
  if (key !== undefined && !UUID.test(key)) throw badCursor();
  return key;
}

function codeCursor(cursor: string | undefined): string | undefined {
  const key = decodeCursor(cursor);
  if (key !== undefined && !/^[0-9]{1,30}$/.test(key)) throw badCursor();
  return key;
}

function page<T>(rows: T[], limit: number, key: (row: T) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(key(last)) : null };
}

/**
 * The query side: prefix scans on the materialised path (`path like '/…/<root>/%'`,
 * index `organizations_path_idx`) instead of recursive queries.
 */
@Injectable()
export class SqlOrganizationReadModel implements OrganizationReadModel {
  constructor(
    private readonly ds: DataSource,
    @Inject(PERSONAL_DATA_CIPHER) private readonly cipher: PersonalDataCipher,
  ) {}

  private async pathOf(id: string, known?: readonly string[]): Promise<string | null> {
    if (known) return toPath(known);
    const [row] = await this.ds.query<{ path: string }[]>(`select path from organizations where id = $1`, [id]);
    return row?.path ?? null;
  }

  scopeFacts(ids: readonly string[]): Promise<ReadonlyMap<string, ScopeFact>> {
    return readScopeFacts((sql, params) => this.ds.query(sql, params), ids);
  }

  async findOrganization(id: string): Promise<OrganizationView | null> {
    const [row] = await this.ds.query<OrgRow[]>(`select ${ORG_COLUMNS} from organizations o where o.id = $1`, [id]);
    return row ? toOrgView(row) : null;
  }

  async listOrganizations(filter: OrganizationFilter, req: PageRequest): Promise<Page<OrganizationView>> {
    const root = await this.pathOf(filter.subtreeOf, filter.subtreePath);
    if (!root) return { items: [], nextCursor: null };
    const params: unknown[] = [root];
    const where = [`o.path like $1 || '%'`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.level) add('o.level = ?', filter.level);
    if (filter.sector) add('o.sector = ?', filter.sector);
    if (filter.status) add('o.status = ?', filter.status);
    if (filter.kind) add('o.kind = ?', filter.kind);
    if (filter.parentId) add('o.parent_id = ?', filter.parentId);
    const after = codeCursor(req.cursor);
    if (after) add('o.code > ?', after);
    params.push(req.limit + 1);
    const rows = await this.ds.query<OrgRow[]>(
      `select ${ORG_COLUMNS} from organizations o where ${where.join(' and ')} order by o.code limit $${params.length}`,
      params,
    );
    return page(rows.map(toOrgView), req.limit, (o) => o.code);
  }

  async ancestorsOf(id: string): Promise<OrganizationView[]> {
    const path = await this.pathOf(id);
    if (!path) return [];
    const ids = fromPath(path).slice(0, -1);
    if (!ids.length) return [];
    const rows = await this.ds.query<OrgRow[]>(`select ${ORG_COLUMNS} from organizations o where o.id = any($1::uuid[]) order by o.depth`, [
      ids,
    ]);
    return rows.map(toOrgView);
  }

  private toMemberView(r: MemberRow): MemberView {
    const personal = PersonalData.restore(
      r.id_number_enc ? this.cipher.decrypt(r.id_number_enc) : null,
      r.phone_enc ? this.cipher.decrypt(r.phone_enc) : null,
    );
    return {
      id: r.id,
      orgId: r.org_id,
      name: r.name,
      status: r.status as MemberStatus,
      joinedOn: r.joined_on,
      roles: r.roles as MemberRole[],
      posts: r.posts as VanguardPost[],
      membership: r.membership as Membership,
      idNumberMasked: personal.maskedIdNumber(),
      phoneMasked: personal.maskedPhone(),
    };
  }

  async findMember(id: string): Promise<MemberDetailView | null> {
    // One round trip: the history rides along as JSON.
    const [row] = await this.ds.query<(MemberRow & { history: MemberDetailView['history'] })[]>(
      `select ${MEMBER_COLUMNS},
              coalesce((select json_agg(json_build_object('on', to_char(h.on_day, 'YYYY-MM-DD'), 'kind', h.kind, 'orgId', h.org_id, 'detail', h.detail) order by h.id)
                          from member_history h where h.member_id = m.id), '[]') as history
         from members m where m.id = $1`,
      [id],
    );
    if (!row) return null;
    await this.cipher.ensureKeys([row.id_number_enc, row.phone_enc]);
    return { ...this.toMemberView(row), history: row.history };
  }

  async listMembers(filter: MemberFilter, req: PageRequest): Promise<Page<MemberView>> {
    const root = await this.pathOf(filter.subtreeOf, filter.subtreePath);
    if (!root) return { items: [], nextCursor: null };
    const params: unknown[] = [root];
    const where = [`o.path like $1 || '%'`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    add('m.membership = ?', filter.membership ?? 'active');
    if (filter.status) add('m.status = ?', filter.status);
    if (filter.role) add('? = any(m.roles)', filter.role);
    if (filter.joinedOnOrBefore) add('m.joined_on <= ?::date', filter.joinedOnOrBefore);
    if (filter.joinedAfter) add('m.joined_on > ?::date', filter.joinedAfter);
    const after = uuidCursor(req.cursor);
    if (after) add('m.id > ?::uuid', after);
    params.push(req.limit + 1);
    const rows = await this.ds.query<MemberRow[]>(
      `select ${MEMBER_COLUMNS} from members m join organizations o on o.id = m.org_id
        where ${where.join(' and ')} order by m.id limit $${params.length}`,
      params,
    );
    await this.cipher.ensureKeys(rows.flatMap((r) => [r.id_number_enc, r.phone_enc]));
    return page(
      rows.map((r) => this.toMemberView(r)),
      req.limit,
      (m) => m.id,
    );
  }

  async findTransfer(id: string): Promise<TransferView | null> {
    const [row] = await this.ds.query<TransferRow[]>(`${TRANSFER_SELECT} where t.id = $1`, [id]);
    return row ? toTransferView(row) : null;
  }

  async listTransfers(
    filter: { subtreeOf: string; subtreePath?: readonly string[]; overdueOn?: string; status?: TransferStatus },
    req: PageRequest,
  ): Promise<Page<TransferView>> {
    const root = await this.pathOf(filter.subtreeOf, filter.subtreePath);
    if (!root) return { items: [], nextCursor: null };
    const params: unknown[] = [root];
    // A transfer is visible from either side of it.
    const where = [`(f.path like $1 || '%' or d.path like $1 || '%')`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('t.status = ?', filter.status);
    if (filter.overdueOn) add(`t.status in ('requested','accepted') and t.deadline < ?::date`, filter.overdueOn);
    const after = uuidCursor(req.cursor);
    if (after) add('t.id > ?::uuid', after);
    params.push(req.limit + 1);
    const rows = await this.ds.query<TransferRow[]>(
      `${TRANSFER_SELECT} where ${where.join(' and ')} order by t.id limit $${params.length}`,
      params,
    );
    return page(rows.map(toTransferView), req.limit, (t) => t.id);
  }

  async findContactPoint(id: string): Promise<(ContactPointView & { visits: VisitView[] }) | null> {
    const [row] = await this.ds.query<ContactPointRow[]>(`${CONTACT_POINT_SELECT} where c.id = $1 group by c.id, o.name`, [id]);
    if (!row) return null;
    const visits = await this.ds.query<VisitView[]>(
      `select id, to_char(visited_on, 'YYYY-MM-DD') as "visitedOn", visited, solved from contact_point_visits where contact_point_id = $1 order by visited_on desc, id`,
      [id],
    );
    return { ...toContactPointView(row), visits };
  }

  async listContactPoints(
    filter: { subtreeOf: string; subtreePath?: readonly string[]; notVisitedSince?: string },
    req: PageRequest,
  ): Promise<Page<ContactPointView>> {
    const root = await this.pathOf(filter.subtreeOf, filter.subtreePath);
    if (!root) return { items: [], nextCursor: null };
    const params: unknown[] = [root];
    const where = [`o.path like $1 || '%'`];
    const having: string[] = [];
    const after = uuidCursor(req.cursor);
    if (after) {
      params.push(after);
      where.push(`c.id > $${params.length}::uuid`);
    }
    if (filter.notVisitedSince) {
      params.push(filter.notVisitedSince);
      having.push(`(max(v.visited_on) is null or max(v.visited_on) < $${params.length}::date)`);
    }
    params.push(req.limit + 1);
    const rows = await this.ds.query<ContactPointRow[]>(
      `${CONTACT_POINT_SELECT} where ${where.join(' and ')} group by c.id, o.name ${having.length ? `having ${having.join(' and ')}` : ''}
       order by c.id limit $${params.length}`,
      params,
    );
    return page(rows.map(toContactPointView), req.limit, (c) => c.id);
  }
}

const MEMBER_COLUMNS = `m.id, m.org_id, m.name, m.status, to_char(m.joined_on, 'YYYY-MM-DD') as joined_on, m.roles, m.posts, m.membership, m.id_number_enc, m.phone_enc`;
interface MemberRow {
  id: string;
  org_id: string;
  name: string;
  status: string;
  joined_on: string;
  roles: string[];
  posts: string[];
  membership: string;
  id_number_enc: string | null;
  phone_enc: string | null;
}

const TRANSFER_SELECT = `select t.id, t.member_id, m.name as member_name, t.from_org_id, t.to_org_id,
  to_char(t.requested_on, 'YYYY-MM-DD') as requested_on, to_char(t.deadline, 'YYYY-MM-DD') as deadline, t.status,
  to_char(t.decided_on, 'YYYY-MM-DD') as decided_on, to_char(t.completed_on, 'YYYY-MM-DD') as completed_on,
  to_char(t.cancelled_on, 'YYYY-MM-DD') as cancelled_on, t.reason
  from member_transfers t join members m on m.id = t.member_id
  join organizations f on f.id = t.from_org_id join organizations d on d.id = t.to_org_id`;
interface TransferRow {
  id: string;
  member_id: string;
  member_name: string;
  from_org_id: string;
  to_org_id: string;
  requested_on: string;
  deadline: string;
  status: string;
  decided_on: string | null;
  completed_on: string | null;
  cancelled_on: string | null;
  reason: string | null;
}
const toTransferView = (r: TransferRow): TransferView => ({
  id: r.id,
  memberId: r.member_id,
  memberName: r.member_name,
  fromOrgId: r.from_org_id,
  toOrgId: r.to_org_id,
  requestedOn: r.requested_on,
  deadline: r.deadline,
  status: r.status as TransferStatus,
  decidedOn: r.decided_on,
  completedOn: r.completed_on,
  cancelledOn: r.cancelled_on,
  reason: r.reason,
});

const CONTACT_POINT_SELECT = `select c.id, c.org_id, o.name as org_name, c.leader_id, c.leader_name,
  to_char(c.established_on, 'YYYY-MM-DD') as established_on, to_char(max(v.visited_on), 'YYYY-MM-DD') as last_visit_on, count(v.id)::int as visit_count
  from contact_points c join organizations o on o.id = c.org_id left join contact_point_visits v on v.contact_point_id = c.id`;
interface ContactPointRow {
  id: string;
  org_id: string;
  org_name: string;
  leader_id: string;
  leader_name: string;
  established_on: string;
  last_visit_on: string | null;
  visit_count: number;
}
const toContactPointView = (r: ContactPointRow): ContactPointView => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  leaderId: r.leader_id,
  leaderName: r.leader_name,
  establishedOn: r.established_on,
  lastVisitOn: r.last_visit_on,
  visitCount: r.visit_count,
});
