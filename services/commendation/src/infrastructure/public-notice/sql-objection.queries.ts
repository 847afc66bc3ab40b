import type { Pool } from 'pg';
import type { ObjectionQueriesPort, ObjectionView } from '../../application/queries/objection-queries.port';

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

  async ofProgramme(programmeId: string, status?: string): Promise<ObjectionView[]> {
    const { rows } = await this.pool.query<{ v: ObjectionView }>(
      `select ${COLUMNS} from objection_view where programme_id = $1 and ($2::text is null or status = $2) order by filed_on, objection_id limit 1000`,
      [programmeId, status ?? null],
    );
    return rows.map((r) => r.v);
  }
}
