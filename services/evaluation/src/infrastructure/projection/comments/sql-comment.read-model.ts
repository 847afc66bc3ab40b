import type { Pool } from 'pg';
import type { Decision } from '@vanguard/contracts';
import type {
  CommentReadModelPort,
  CommentView,
  RectificationStatus,
  RectificationSummary,
  RectificationView,
} from '../../../application/queries/comments/comment-read-model.port';
import { pageWithTotal } from '../sql-page';

interface CommentRow {
  comment_id: string;
  org_id: string;
  cycle_id: string | null;
  form: string;
  made_on: string;
  summary: string;
  decided_by: Decision;
  version: number;
  window_id: string | null;
  member_id: string | null;
  inspection_id: string | null;
  round_id: string | null;
}
interface RectificationRow {
  finding_id: string;
  comment_id: string;
  org_id: string;
  problem: string;
  rectification: string;
  deadline: string;
  status: RectificationStatus;
  completed_on: string | null;
  marked_overdue_on: string | null;
  window_id: string | null;
}

/**
 * Where a rectification `r` stands on day `$today` — the one place that says when it is overdue
 * (ADR 0026); the review's evidence source reads statuses through it too.
 */
export const STATUS = (
  today: string,
) => `case when r.completed_on is not null then (case when r.on_time then 'done_on_time' else 'done_late' end)
  when r.deadline < ${today}::date then 'overdue' else 'open' end`;

/** Findings with their status on `$today`, in the order they were made. */
const rectificationsSql = (today: string) => `select r.finding_id, r.comment_id, r.org_id, r.problem, r.rectification,
  to_char(r.deadline, 'YYYY-MM-DD') as deadline, ${STATUS(today)} as status, to_char(r.completed_on, 'YYYY-MM-DD') as completed_on,
  to_char(r.marked_overdue_on, 'YYYY-MM-DD') as marked_overdue_on, c.made_at, c.window_id
  from rectification_view r join comment_view c on c.comment_id = r.comment_id`;

/** Rows below an organisation: its id appears in the row organisation's path in the tree copy. */
const IN_SUBTREE = `exists (select 1 from org_tree t where t.id = x.org_id and t.path like '%/' || $1::text || '/%')`;

const toRectification = (r: RectificationRow): RectificationView => ({
  findingId: r.finding_id,
  commentId: r.comment_id,
  orgId: r.org_id,
  problem: r.problem,
  rectification: r.rectification,
  deadline: r.deadline,
  status: r.status,
  completedOn: r.completed_on,
  markedOverdueOn: r.marked_overdue_on,
  windowId: r.window_id,
});

export class SqlCommentReadModel implements CommentReadModelPort {
  constructor(private readonly pool: Pool) {}

  async comment(commentId: string, today: string): Promise<CommentView | null> {
    const { rows } = await this.pool.query<CommentRow>(
      `select comment_id, org_id, cycle_id, form, to_char(made_on, 'YYYY-MM-DD') as made_on, summary, decided_by, version, window_id, member_id, inspection_id, round_id
         from comment_view where comment_id = $1`,
      [commentId],
    );
    return rows[0] ? (await this.withFindings(rows, today))[0]! : null;
  }

  async comments(q: { subtreeOf: string; cycleId?: string; limit: number; offset: number; today: string }) {
    const cycle = q.cycleId ? `and x.cycle_id = $2` : `and $2::uuid is null`;
    const params = [q.subtreeOf, q.cycleId ?? null];
    const { rows, total } = await pageWithTotal<CommentRow>(
      this.pool,
      {
        columns: `comment_id, org_id, cycle_id, form, to_char(made_on, 'YYYY-MM-DD') as made_on, summary, decided_by, version,
                  window_id, member_id, inspection_id, round_id`,
        from: `from comment_view x where ${IN_SUBTREE} ${cycle}`,
        orderBy: 'x.made_on, x.made_at, x.comment_id',
      },
      params,
      q,
    );
    return { items: await this.withFindings(rows, q.today), total };
  }

  async rectifications(q: { subtreeOf: string; status?: RectificationStatus; limit: number; offset: number; today: string }) {
    const status = q.status ? `and x.status = $3` : `and $3::text is null`;
    const from = `from (${rectificationsSql('$2')}) x where ${IN_SUBTREE} ${status}`;
    const params = [q.subtreeOf, q.today, q.status ?? null];
    const { rows, total } = await pageWithTotal<RectificationRow>(
      this.pool,
      { columns: 'x.*', from, orderBy: 'x.deadline, x.made_at, x.finding_id' },
      params,
      q,
    );
    return { items: rows.map(toRectification), total };
  }

  async summary(q: { subtreeOf: string; today: string }): Promise<RectificationSummary> {
    const { rows } = await this.pool.query<Record<'total' | 'open' | 'overdue' | 'done_on_time' | 'done_late', string>>(
      `select count(*) as total, count(*) filter (where x.status = 'open') as open, count(*) filter (where x.status = 'overdue') as overdue,
              count(*) filter (where x.status = 'done_on_time') as done_on_time, count(*) filter (where x.status = 'done_late') as done_late
         from (${rectificationsSql('$2')}) x where ${IN_SUBTREE}`,
      [q.subtreeOf, q.today],
    );
    const r = rows[0];
    return {
      subtreeOf: q.subtreeOf,
      asOf: q.today,
      total: Number(r?.total ?? 0),
      open: Number(r?.open ?? 0),
      overdue: Number(r?.overdue ?? 0),
      doneOnTime: Number(r?.done_on_time ?? 0),
      doneLate: Number(r?.done_late ?? 0),
    };
  }

  async dueForOverdueCheck(q: { subtreeOf: string; today: string }): Promise<string[]> {
    const { rows } = await this.pool.query<{ comment_id: string }>(
      `select distinct x.comment_id from (${rectificationsSql('$2')}) x
        where ${IN_SUBTREE} and x.status = 'overdue' and x.marked_overdue_on is null order by x.comment_id`,
      [q.subtreeOf, q.today],
    );
    return rows.map((r) => r.comment_id);
  }

  private async withFindings(rows: CommentRow[], today: string): Promise<CommentView[]> {
    if (rows.length === 0) return [];
    const { rows: findings } = await this.pool.query<RectificationRow>(
      `select x.* from (${rectificationsSql('$2')}) x where x.comment_id = any($1::uuid[]) order by x.deadline, x.finding_id`,
      [rows.map((r) => r.comment_id), today],
    );
    return rows.map((r) => ({
      commentId: r.comment_id,
      orgId: r.org_id,
      cycleId: r.cycle_id,
      form: r.form,
      madeOn: r.made_on,
      summary: r.summary,
      decision: r.decided_by,
      findings: findings.filter((f) => f.comment_id === r.comment_id).map(toRectification),
      version: r.version,
      windowId: r.window_id,
      memberId: r.member_id,
      inspectionId: r.inspection_id,
      roundId: r.round_id,
    }));
  }
}
