import type { Pool } from 'pg';
import type { DrawCandidate } from '@vanguard/evaluation-domain';
import type { InspectionCandidatesPort } from '../../application/ports/inspection-candidates.port';

/** Candidates from this schema's org-tree copy, read in one statement so their versions belong to one snapshot. */
export class SqlInspectionCandidates implements InspectionCandidatesPort {
  constructor(private readonly pool: Pool) {}

  async under(scopeOrgId: string, level: string | undefined, limit: number): Promise<DrawCandidate[]> {
    const { rows } = await this.pool.query<{ id: string; version: number }>(
      `select o.id, o.version
         from org_tree s
         join org_tree o on o.path like s.path || '%' and o.id <> s.id
        where s.id = $1 and s.path is not null and o.status = 'active' and ($2::text is null or o.level = $2)
        order by o.id
        limit $3`,
      [scopeOrgId, level ?? null, limit],
    );
    return rows.map((r) => ({ orgId: r.id, version: Number(r.version) }));
  }
}
