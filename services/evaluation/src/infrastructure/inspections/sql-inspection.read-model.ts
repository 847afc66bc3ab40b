import type { Pool } from 'pg';
import type {
  InspectionPage,
  InspectionReadModelPort,
  InspectionSummary,
} from '../../application/queries/inspections/inspection-read-model.port';

interface Row {
  inspectionId: string;
  kind: InspectionSummary['kind'];
  topic: string;
  launchedOn: string;
  groupName: string;
  leader: string;
  scopeOrgId: string;
  units: number;
  unitsWithFindings: number;
  version: number;
}

/**
 * One statement, so the page and the total come from one snapshot (the projection keeps writing):
 * inspections whose group's scope lies in the subtree — the scope's id appears in its path in the tree copy.
 */
const PAGE = `
  with scoped as (
    select i.* from inspection_view i join org_tree t on t.id = i.scope_org_id where t.path like '%/' || $1::text || '/%'
  )
  select (select count(*) from scoped)::int as total,
         coalesce((select json_agg(p order by p."launchedOn" desc, p."inspectionId") from (
           select s.inspection_id as "inspectionId", s.kind, s.topic, to_char(s.launched_on, 'YYYY-MM-DD') as "launchedOn",
                  s.group_name as "groupName", s.leader, s.scope_org_id as "scopeOrgId", s.units, s.version,
                  (select count(distinct c.org_id) from comment_view c where c.inspection_id = s.inspection_id)::int as "unitsWithFindings"
             from scoped s order by s.launched_on desc, s.inspection_id limit $2 offset $3
         ) p), '[]'::json) as items`;

export class SqlInspectionReadModel implements InspectionReadModelPort {
  constructor(private readonly pool: Pool) {}

  async list(q: { subtreeOf: string; limit: number; offset: number }): Promise<InspectionPage> {
    const { rows } = await this.pool.query<{ total: number; items: Row[] }>(PAGE, [q.subtreeOf, q.limit, q.offset]);
    const { total, items } = rows[0]!;
    return {
      items: items.map((r) => ({
        inspectionId: r.inspectionId,
        kind: r.kind,
        topic: r.topic,
        launchedOn: r.launchedOn,
        group: { name: r.groupName, leader: r.leader, scopeOrgId: r.scopeOrgId },
        units: r.units,
        unitsWithFindings: r.unitsWithFindings,
        version: r.version,
      })),
      total,
    };
  }
}
