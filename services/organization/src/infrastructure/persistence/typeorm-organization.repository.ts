import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { EntityManager } from 'typeorm';
import { namedStatement } from '@vanguard/messaging';
import type { OrganizationRepository, RowLock } from '../../application/ports/organization.repository.port';
import type { ScopeFact } from '../../application/scope/access-scope';
import type { DescendantCodes, Organization, SubtreeCensus } from '../../domain/organization/organization.aggregate';
import { OrganizationCodeTakenError } from '../../domain/organization/organization.errors';
import { OrganizationMapper } from './organization.mapper';
import { OrganizationOrmEntity } from './organization.orm-entity';
import { isUniqueViolation } from './pg-errors';
import { readScopeFacts } from './scope-facts.sql';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

/** An organisation's row in the entity's shape (`established_on` as its day, as TypeORM reads a `date`). */
const FIND_BY_ID = namedStatement(
  'organization_by_id',
  `select id, code, name, level, kind, sector, parent_id as "parentId", path, depth, established_on::text as "establishedOn",
          temporary, status, merged_into_id as "mergedIntoId", version
     from organizations where id = $1::uuid`,
);

/**
 * Locks every descendant of a moving organisation `for update`, in path order, until a round
 * finds none it does not hold yet. One UPDATE alone rewrote only the rows of its snapshot: a
 * child registered or imported under a descendant (holding that descendant's row) committed
 * while the UPDATE waited for the row, and kept the old path for ever. Every child is written
 * under its parent's row lock (registration `for update`, an import `for share`), so once the
 * whole subtree is held, nothing can be added below it until this transaction ends; each new
 * round sees what committed while the last one waited (ADR 0092).
 */
async function lockSubtree(manager: EntityManager, path: string, selfId: string): Promise<DescendantCodes> {
  const held = new Set<string>([selfId]);
  for (;;) {
    const rows = await manager.query<{ id: string; code: string }[]>(
      `select id, code from organizations where path like $1 || '%' and id <> $2 order by path for update`,
      [path, selfId],
    );
    const fresh = rows.filter((r) => !held.has(r.id));
    // The last round holds every descendant as it stands, codes included.
    if (fresh.length === 0)
      return { longest: rows.reduce<string | null>((l, r) => (l === null || r.code.length > l.length ? r.code : l), null) };
    for (const r of fresh) held.add(r.id);
  }
}

@Injectable()
export class TypeOrmOrganizationRepository implements OrganizationRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async findById(id: string, lock: RowLock = 'update'): Promise<Organization | null> {
    if (!this.uow.inTransaction()) {
      // Unlocked, it is every command's first read (enrolment's included): prepared once per
      // connection instead of built by the query builder and planned at every call (ADR 0084).
      const pool = (this.uow.manager().connection.driver as unknown as { master: Pool }).master;
      const { rows } = await pool.query<OrganizationOrmEntity>({ ...FIND_BY_ID, values: [id] });
      return rows[0] ? OrganizationMapper.toDomain(rows[0]) : null;
    }
    const qb = this.uow.manager().getRepository(OrganizationOrmEntity).createQueryBuilder('o').where('o.id = :id', { id });
    qb.setLock(lock === 'share' ? 'pessimistic_read' : 'pessimistic_write');
    const row = await qb.getOne();
    return row ? OrganizationMapper.toDomain(row) : null;
  }

  scopeFacts(ids: readonly string[]): Promise<ReadonlyMap<string, ScopeFact>> {
    const manager = this.uow.manager();
    return readScopeFacts((sql, params) => manager.query(sql, params), ids);
  }

  async findByCode(code: string): Promise<Organization | null> {
    const row = await this.uow.manager().getRepository(OrganizationOrmEntity).findOne({ where: { code } });
    return row ? OrganizationMapper.toDomain(row) : null;
  }

  async census(id: string): Promise<SubtreeCensus> {
    const [row] = await this.uow.manager().query<{ members: number; children: number }[]>(
      `select (select count(*) from members where org_id = $1 and membership = 'active')::int as members,
              (select count(*) from organizations where parent_id = $1 and status = 'active')::int as children`,
      [id],
    );
    return { activeMembers: row?.members ?? 0, activeChildren: row?.children ?? 0 };
  }

  async lockSubtree(id: string): Promise<DescendantCodes> {
    const manager = this.uow.manager();
    const [self] = await manager.query<{ path: string }[]>(`select path from organizations where id = $1`, [id]);
    if (!self) return { longest: null };
    return lockSubtree(manager, self.path, id);
  }

  async lockInIdOrder(ids: readonly string[], subtreeOf: string): Promise<void> {
    // One statement, sorted before it locks: rows are locked in the order they are returned.
    await this.uow.manager().query(
      `select o.id from organizations o
        where o.id = any($1::uuid[]) or o.path like (select path from organizations where id = $2) || '%'
        order by o.id for update of o`,
      [ids, subtreeOf],
    );
  }

  async save(org: Organization): Promise<void> {
    const manager = this.uow.manager();
    const row = OrganizationMapper.toOrm(org);
    try {
      if (org.version === 0) {
        await manager.query(
          `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary, status, merged_into_id, version)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,1)`,
          [
            row.id,
            row.code,
            row.name,
            row.level,
            row.kind,
            row.sector,
            row.parentId,
            row.path,
            row.depth,
            row.establishedOn,
            row.temporary,
            row.status,
            row.mergedIntoId,
          ],
        );
        return;
      }
      const [before] = await manager.query<
        {
          path: string;
          code: string;
          depth: number;
        }[]
      >(`select path, code, depth from organizations where id = $1`, [org.id]);
      if (!before) throw new Error(`organisation ${org.id} vanished during its own update`);
      if (before.path !== row.path || before.code !== row.code) {
        await lockSubtree(manager, before.path, org.id);
        // The subtree follows: every descendant's path and code take the new prefix. A statement
        // of its own after the locks, so its snapshot holds every row the locks waited for. Each
        // descendant's version moves too: a command that read one before the move (enrolment's
        // guarded write, ADR 0082) must not write against its old path (ADR 0112).
        await manager.query(
          `update organizations
              set path = $2 || substr(path, length($1) + 1),
                  code = $4 || substr(code, length($3) + 1),
                  depth = depth + $5,
                  version = version + 1,
                  updated_at = now()
            where path like $1 || '%' and id <> $6`,
          [before.path, row.path, before.code, row.code, row.depth - before.depth, org.id],
        );
      }
      const res = await manager.query<[unknown[], number]>(
        `update organizations
            set code = $2, name = $3, parent_id = $4, path = $5, depth = $6, status = $7, merged_into_id = $8,
                version = version + 1, updated_at = now()
          where id = $1 and version = $9`,
        [row.id, row.code, row.name, row.parentId, row.path, row.depth, row.status, row.mergedIntoId, row.version],
      );
      if (res[1] !== 1) throw new Error(`organisation ${org.id} was changed concurrently`);
    } catch (e) {
      if (isUniqueViolation(e, 'organizations_code_key')) throw new OrganizationCodeTakenError(row.code);
      throw e;
    }
  }
}
