import type { Pool } from 'pg';
import type { ObjectionPageQuery, ObjectionQueriesPort, ObjectionView } from '../../application/queries/objection-queries.port';

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

  async ofProgramme(programmeId: string, { status, after, limit }: ObjectionPageQuery): Promise<ObjectionView[] | null> {
    // The cursor's own row is where the page goes on from; an id of another programme is none.
    if (after) {
      const { rowCount } = await this.pool.query(`select 1 from objection_view where objection_id = $1 and programme_id = $2`, [
        after,
        programmeId,
      ]);
      if (!rowCount) return null;
    }
    const { rows } = await this.pool.query<{ v: ObjectionView }>(
      `select ${COLUMNS} from objection_view
        where programme_id = $1 and ($2::text is null or status = $2)
          and ($3::uuid is null or (filed_on, objection_id) > (select filed_on, objection_id from objection_view where objection_id = $3))
        order by filed_on, objection_id limit $4`,
      [programmeId, status ?? null, after ?? null, limit],
    );
    return rows.map((r) => r.v);
  }
}
