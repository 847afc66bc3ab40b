import type { Pool } from 'pg';
import type { ScopeService } from '@vanguard/auth';
import type { OrgPath } from '@vanguard/evaluation-domain';
import type { OrgTreePort } from '../../application/ports/org-tree.port';

/** Paths from the org_tree table of this schema; scope from the ScopeService's memory of it. */
export class SqlOrgTreeAdapter implements OrgTreePort {
  constructor(
    private readonly pool: Pool,
    private readonly scope: ScopeService,
  ) {}

  async pathOf(orgId: string): Promise<readonly string[] | null> {
    const { rows } = await this.pool.query<{ path: string | null }>({
      name: 'evaluation-org-tree-path-of',
      text: `select path from org_tree where id = $1 and status = 'active'`,
      values: [orgId],
    });
    const path = rows[0]?.path;
    return path ? path.split('/').filter((s) => s.length > 0) : null;
  }

  async readPath(orgId: string): Promise<OrgPath | null> {
    // One statement, so the versions belong to one snapshot of the copy: the path's ids in
    // order, each joined to its row. A missing ancestor row leaves a gap and reads as unknown.
    // Named: file, fulfil and lapse read a path on every command, and a prepared statement is
    // parsed and planned once per connection rather than on each of them.
    const { rows } = await this.pool.query<{ id: string; version: number | null; depth: string }>({
      name: 'evaluation-org-tree-read-path',
      text: `select p.id, o.version, p.depth
         from org_tree t
         cross join lateral unnest(string_to_array(trim(both '/' from t.path), '/')) with ordinality as p(id, depth)
         left join org_tree o on o.id = p.id::uuid
        where t.id = $1 and t.status = 'active' and t.path is not null
        order by p.depth`,
      values: [orgId],
    });
    if (rows.length === 0 || rows.some((r) => r.version === null)) return null;
    return rows.map((r) => ({ orgId: r.id, version: Number(r.version) }));
  }

  isWithin(principalOrgId: string | undefined, orgId: string): boolean {
    return this.scope.isWithin({ orgId: principalOrgId }, orgId);
  }
}
