import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { MemberRepository } from '../../application/ports/member.repository.port';
import type { Member } from '../../domain/member/member.aggregate';
import { DomainError } from '../../domain/shared/domain-error';
import { MemberMapper } from './member.mapper';
import { MemberHistoryOrmEntity, MemberOrmEntity } from './member.orm-entity';
import { isUniqueViolation } from './pg-errors';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

@Injectable()
export class TypeOrmMemberRepository implements MemberRepository {
  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    private readonly mapper: MemberMapper,
  ) {}

  async findById(id: string): Promise<Member | null> {
    const manager = this.uow.manager();
    const qb = manager.getRepository(MemberOrmEntity).createQueryBuilder('m').where('m.id = :id', { id });
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) return null;
    const history = await manager.getRepository(MemberHistoryOrmEntity).find({ where: { memberId: id }, order: { id: 'ASC' } });
    await this.mapper.ensureKeys(row);
    return this.mapper.toDomain(row, history);
  }

  async orgOf(id: string): Promise<string | null> {
    const [row] = await this.uow.manager().query<{ org_id: string }[]>(`select org_id from members where id = $1`, [id]);
    return row?.org_id ?? null;
  }

  async activeOf(orgId: string): Promise<Member[]> {
    // Two statements whatever the count (one per member and one per history before: a merge of a
    // 1,500-member village spent tens of seconds here); rows locked in id order, as findById locks one.
    const manager = this.uow.manager();
    const qb = manager
      .getRepository(MemberOrmEntity)
      .createQueryBuilder('m')
      .where('m.org_id = :orgId', { orgId })
      .andWhere(`m.membership = 'active'`)
      .orderBy('m.id');
    if (this.uow.inTransaction()) qb.setLock('pessimistic_write');
    const rows = await qb.getMany();
    if (!rows.length) return [];
    const history = await manager
      .getRepository(MemberHistoryOrmEntity)
      .find({ where: { memberId: In(rows.map((r) => r.id)) }, order: { memberId: 'ASC', id: 'ASC' } });
    const byMember = new Map<string, MemberHistoryOrmEntity[]>();
    for (const h of history) byMember.set(h.memberId, [...(byMember.get(h.memberId) ?? []), h]);
    const out: Member[] = [];
    for (const r of rows) {
      await this.mapper.ensureKeys(r);
      out.push(this.mapper.toDomain(r, byMember.get(r.id) ?? []));
    }
    return out;
  }

  /** Existing members only (a merge's): one update and one history insert for all of them. */
  async saveAll(members: readonly Member[]): Promise<void> {
    if (!members.length) return;
    if (members.some((m) => m.version === 0)) throw new Error('saveAll updates stored members; enrol new ones with save');
    const manager = this.uow.manager();
    const rows = members.map((m) => this.mapper.toOrm(m));
    const res: [unknown[], number] = await manager.query(
      `update members m
          set org_id = u.org_id, name = u.name, status = u.status, joined_on = u.joined_on, roles = u.roles, posts = u.posts,
              id_number_enc = u.id_number_enc, phone_enc = u.phone_enc, id_number_hash = u.id_number_hash,
              membership = u.membership, version = u.version + 1
         from jsonb_to_recordset($1::jsonb) as u(id uuid, org_id uuid, name text, status text, joined_on date, roles text[], posts text[],
                                                 id_number_enc text, phone_enc text, id_number_hash text, membership text, version integer)
        where m.id = u.id and m.version = u.version`,
      [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            org_id: r.orgId,
            name: r.name,
            status: r.status,
            joined_on: r.joinedOn,
            roles: r.roles,
            posts: r.posts,
            id_number_enc: r.idNumberEnc,
            phone_enc: r.phoneEnc,
            id_number_hash: r.idNumberHash,
            membership: r.membership,
            version: r.version,
          })),
        ),
      ],
    );
    if (res[1] !== members.length)
      throw new DomainError(
        'MEMBER.CONCURRENT_MODIFICATION',
        'conflict',
        '党员信息已被他人修改，请重试 / the member was changed concurrently; retry',
      );
    const history = members.flatMap((m) =>
      m.unsavedHistory().map((h) => ({ member_id: m.id, on_day: h.on, kind: h.kind, org_id: h.orgId, detail: h.detail })),
    );
    if (history.length)
      await manager.query(
        `insert into member_history (member_id, on_day, kind, org_id, detail)
         select h.member_id, h.on_day, h.kind, h.org_id, h.detail
           from rows from (jsonb_to_recordset($1::jsonb) as (member_id uuid, on_day date, kind text, org_id uuid, detail text))
                with ordinality as h(member_id, on_day, kind, org_id, detail, n)
          order by h.n`,
        [JSON.stringify(history)],
      );
    for (const m of members) m.markHistorySaved();
  }

  async save(member: Member): Promise<void> {
    const manager = this.uow.manager();
    const row = this.mapper.toOrm(member);
    try {
      if (member.version === 0) {
        await this.insertWithHistory(manager, member, row);
        return;
      }
      const res = await manager
        .getRepository(MemberOrmEntity)
        .update({ id: row.id, version: row.version }, { ...row, version: row.version + 1 });
      if (res.affected !== 1)
        throw new DomainError(
          'MEMBER.CONCURRENT_MODIFICATION',
          'conflict',
          '党员信息已被他人修改，请重试 / the member was changed concurrently; retry',
        );
    } catch (e) {
      throw idNumberTaken(e) ?? e;
    }
    await this.saveHistory(manager, member);
  }

  /**
   * A new member and their first history entries in one statement: enrolment is the hot
   * write path, and each round trip costs more than the SQL it carries.
   */
  private async insertWithHistory(manager: EntityManager, member: Member, row: MemberOrmEntity): Promise<void> {
    const insert = newMemberCtes(member, row, { firstParam: 1 });
    await manager.query(`with ${insert.sql} select 1`, insert.params);
    member.markHistorySaved();
  }

  private async saveHistory(manager: EntityManager, member: Member): Promise<void> {
    const unsaved = member.unsavedHistory();
    if (unsaved.length) {
      await manager
        .getRepository(MemberHistoryOrmEntity)
        .insert(unsaved.map((h) => ({ memberId: member.id, onDay: h.on, kind: h.kind, orgId: h.orgId, detail: h.detail })));
      member.markHistorySaved();
    }
  }
}

/**
 * A new member's row and first history entries as two data-modifying CTEs, `new_member` and
 * `new_member_history`, for a statement of the caller's: the repository's insert, and the
 * enrolment's guarded write (ADR 0082), which feeds it from its guard (`after`: one row, the
 * member is inserted; none, nothing is). Parameters are numbered from `firstParam`, typed here
 * because an INSERT … SELECT gives them no column to be inferred from.
 */
export function newMemberCtes(
  member: Member,
  row: MemberOrmEntity,
  at: { firstParam: number; after?: string },
): { sql: string; params: unknown[] } {
  if (at.after !== undefined && !/^[a-z_][a-z0-9_]*$/.test(at.after)) throw new Error('newMemberCtes: unsafe CTE name');
  const types = ['uuid', 'uuid', 'text', 'text', 'date', 'text[]', 'text[]', 'text', 'text', 'text', 'text'];
  const values = `${types.map((t, i) => `$${at.firstParam + i}::${t}`).join(', ')}, 1`;
  const history = member.unsavedHistory().map((h) => ({ on_day: h.on, kind: h.kind, org_id: h.orgId, detail: h.detail }));
  return {
    sql:
      `new_member as (
         insert into members (id, org_id, name, status, joined_on, roles, posts, id_number_enc, phone_enc, id_number_hash, membership, version)
         ${at.after ? `select ${values} from ${at.after}` : `values (${values})`} returning id), ` +
      `new_member_history as (
         insert into member_history (member_id, on_day, kind, org_id, detail)
         select new_member.id, h.on_day, h.kind, h.org_id, h.detail
           from new_member, rows from (jsonb_to_recordset($${at.firstParam + types.length}::jsonb) as (on_day date, kind text, org_id uuid, detail text)) with ordinality as h(on_day, kind, org_id, detail, n)
          order by h.n returning member_id)`,
    params: [
      row.id,
      row.orgId,
      row.name,
      row.status,
      row.joinedOn,
      row.roles,
      row.posts,
      row.idNumberEnc,
      row.phoneEnc,
      row.idNumberHash,
      row.membership,
      JSON.stringify(history),
    ],
  };
}

/** A unique violation of the active-member ID-number index, as the domain's refusal. */
export function idNumberTaken(e: unknown): DomainError | undefined {
  return isUniqueViolation(e, 'members_id_number_hash_key')
    ? new DomainError(
        'MEMBER.ID_NUMBER_TAKEN',
        'conflict',
        '该身份证号已登记为在册党员 / a member with this ID number is already registered',
      )
    : undefined;
}
