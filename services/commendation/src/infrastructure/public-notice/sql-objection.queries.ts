import type { Pool } from 'pg';
import type {
  ObjectionPage,
  ObjectionPageQuery,
  ObjectionQueriesPort,
  ObjectionView,
} from '../../application/queries/objection-queries.port';

const COLUMNS = `json_build_object('objectionId', objection_id, 'trackingCode', tracking_code, 'programmeId', programme_id,
  'nominationId', nomination_id, 'awardingOrgId', awarding_org_id, 'round', round, 'status', status,
  'filedOn', to_char(filed_on, 'YYYY-MM-DD'), 'grounds', grounds, 'investigator', investigator, 'findings', findings,
  'version', version) as v`;

export class SqlObjectionQueries implements ObjectionQueriesPort {
  constructor(private readonly pool: Pool) {}

  async objection(objectionId: string): Promise<ObjectionView | null> {
    const { rows } = await this.pool.query<{ v: ObjectionView }>(`select ${COLUMNS} from objection_view where objection_id = $1`, [
      objectionId,
    ]);
    return rows[0]?.v ?? null;
  }

  /**
   * One statement, so the cursor and the page come from one snapshot. Keys (filing day, id) never
   * change, so a walk from the first page lists every objection filed before it began, once; one
   * filed during the walk appears if its key sorts after the page being read (the next walk shows it).
   */
  async ofProgramme(programmeId: string, { status, after, limit }: ObjectionPageQuery): Promise<ObjectionPage> {
    const { rows } = await this.pool.query<{ awarding_org_id: string | null; cursor_found: boolean; objections: ObjectionView[] }>(
      `with c as (select filed_on, objection_id from objection_view where objection_id = $3 and programme_id = $1),
            page as (select filed_on, objection_id, ${COLUMNS} from objection_view
                      where programme_id = $1 and ($2::text is null or status = $2)
                        and ($3::uuid is null or (filed_on, objection_id) > (select filed_on, objection_id from c))
                      order by filed_on, objection_id limit $4)
       select (select org_id from programme_view where programme_id = $1) as awarding_org_id,
              ($3::uuid is null or exists (select 1 from c)) as cursor_found,
              coalesce((select json_agg(v order by filed_on, objection_id) from page), '[]') as objections`,
      [programmeId, status ?? null, after ?? null, limit],
    );
    const r = rows[0]!;
    return { awardingOrgId: r.awarding_org_id, cursorFound: r.cursor_found, objections: r.objections };
  }
}
