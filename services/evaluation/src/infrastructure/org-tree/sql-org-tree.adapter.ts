import type { Pool } from 'pg';
import type { ScopeService } from '@vanguard/auth';
import type { OrgTreePort } from '../../application/ports/org-tree.port';

/** Paths from the org_tree table of this schema; scope from the ScopeService's memory of it. */
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
    return path ? path.split('/').filter((s) => s.length > 0) : null;
  }

  isWithin(principalOrgId: string | undefined, orgId: string): boolean {
    return this.scope.isWithin({ orgId: principalOrgId }, orgId);
  }
}
