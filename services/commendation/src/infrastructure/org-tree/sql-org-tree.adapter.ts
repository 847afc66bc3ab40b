import type { Pool } from 'pg';
import type { ScopeService } from '@vanguard/auth';
import type { OrgNode, OrgTreePort } from '../../application/ports/org-tree.port';

const split = (path: string | null): string[] => (path ? path.split('/').filter((s) => s.length > 0) : []);

/** Paths, names and levels from the org_tree table of this schema; scope from the ScopeService's memory of it. */
export class SqlOrgTreeAdapter implements OrgTreePort {
  constructor(
    private readonly pool: Pool,
    private readonly scope: ScopeService,
  ) {}

  async pathOf(orgId: string): Promise<readonly string[] | null> {
    const { rows } = await this.pool.query<{ path: string | null }>(`select path from org_tree where id = $1 and status = 'active'`, [
      orgId,
    ]);
    const path = rows[0]?.path;
    return path ? split(path) : null;
  }

  async nodes(orgIds: readonly string[]): Promise<ReadonlyMap<string, OrgNode>> {
    // Levels and versions in one statement: the version recorded is the one whose level was checked.
    const { rows } = await this.pool.query<{ id: string; name: string; level: OrgNode['level']; path: string | null; version: number }>(
      `select id, name, level, path, version from org_tree where id = any($1::uuid[]) and status = 'active' and path is not null`,
      [[...new Set(orgIds)]],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, level: r.level, path: split(r.path), version: Number(r.version) }]));
  }

  isWithin(principalOrgId: string | undefined, orgId: string): boolean {
    return this.scope.isWithin({ orgId: principalOrgId }, orgId);
  }
}
