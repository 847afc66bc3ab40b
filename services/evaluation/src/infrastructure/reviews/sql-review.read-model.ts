import type { Pool } from 'pg';
import type { ReviewReadModelPort, ReviewView } from '../../application/ports/review-read-model.port';
import { pageWithTotal } from '../projection/sql-page';

interface Row {
  member_id: string;
  year: number;
  org_id: string;
  status: string;
  tally: ReviewView['tally'];
  criteria: ReviewView['criteria'];
  grade: string | null;
  approved: boolean;
  returned_count: number;
  version: number;
}

const COLUMNS = `r.member_id, r.year, r.org_id, r.status, r.tally, r.criteria, r.grade, r.approved, r.returned_count, r.version`;

const toView = (r: Row): ReviewView => ({
  memberId: r.member_id,
  year: r.year,
  orgId: r.org_id,
  status: r.status,
  tally: r.tally,
  criteria: r.criteria,
  grade: r.grade,
  approved: r.approved,
  returnedCount: r.returned_count,
  version: r.version,
});

/** Reviews below an organisation: its id appears in the branch's path in the tree copy. */
const IN_SUBTREE = `join org_tree t on t.id = r.org_id where t.path like '%/' || $1::text || '/%' and r.year = $2
  and ($3::text is null or r.status = $3)`;

export class SqlReviewReadModel implements ReviewReadModelPort {
  constructor(private readonly pool: Pool) {}

  async get(memberId: string, year: number): Promise<ReviewView | null> {
    const { rows } = await this.pool.query<Row>(`select ${COLUMNS} from review_view r where r.member_id = $1 and r.year = $2`, [
      memberId,
      year,
    ]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async list(q: { subtreeOf: string; year: number; status?: string; limit: number; offset: number }) {
    const params = [q.subtreeOf, q.year, q.status ?? null];
    const { rows, total } = await pageWithTotal<Row>(
      this.pool,
      { columns: COLUMNS, from: `from review_view r ${IN_SUBTREE}`, orderBy: 'r.org_id, r.member_id' },
      params,
      q,
    );
    return { items: rows.map(toView), total };
  }
}
