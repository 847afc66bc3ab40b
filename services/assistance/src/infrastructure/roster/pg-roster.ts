import type { Pool } from 'pg';
import type { RosterPort } from '../../application/ports/roster.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { Village } from '../../domain/shared/village';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ROSTER port over assistance's copy of the organization state topics. */
export class PgRoster implements RosterPort {
  constructor(private readonly pool: Pool) {}

  async organization(orgId: string, tx?: Tx): Promise<Village | null> {
    if (!UUID.test(orgId)) return null;
    const [row] = await this.query<Village>(tx, `select id, name, level, sector, status, path from roster_organizations where id = $1`, [
      orgId,
    ]);
    return row ?? null;
  }

  async organizations(orgIds: readonly string[], tx?: Tx): Promise<Village[]> {
    const ids = orgIds.filter((id) => UUID.test(id));
    if (!ids.length) return [];
    return this.query<Village>(tx, `select id, name, level, sector, status, path from roster_organizations where id = any($1::uuid[])`, [
      ids,
    ]);
  }

  async organizationsWithCode(code: string, tx?: Tx): Promise<Village[]> {
    return this.query<Village>(tx, `select id, name, level, sector, status, path from roster_organizations where code = $1`, [code]);
  }

  async isActiveMember(memberId: string, tx?: Tx): Promise<boolean> {
    if (!UUID.test(memberId)) return false;
    const rows = await this.query(tx, `select 1 from roster_members where id = $1 and membership = 'active'`, [memberId]);
    return rows.length > 0;
  }

  private async query<R extends object>(tx: Tx | undefined, sql: string, params: unknown[]): Promise<R[]> {
    return tx ? tx.query<R>(sql, params) : (await this.pool.query<R>(sql, params)).rows;
  }
}
