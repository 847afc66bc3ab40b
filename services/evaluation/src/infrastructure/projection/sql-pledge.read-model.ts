import type { Pool } from 'pg';
import type { PledgeLedger, PledgeReadModelPort, PledgeView } from '../../application/ports/pledge-read-model.port';
import { pageWithTotal } from './sql-page';

interface Row {
  pledge_id: string;
  campaign_id: string;
  cycle_id: string;
  org_id: string;
  pledger_kind: 'organization' | 'member';
  pledger_id: string;
  category: string;
  content: string;
  due_on: string;
  follows_pledge_id: string | null;
  status: string;
  percent: number;
  filed_by_org_id: string | null;
  returned_count: number;
  satisfaction_permille: number | null;
  version: number;
}

const COLUMNS = `p.pledge_id, p.campaign_id, p.cycle_id, p.org_id, p.pledger_kind, p.pledger_id, p.category, p.content,
  to_char(p.due_on, 'YYYY-MM-DD') as due_on, p.follows_pledge_id, p.status, p.percent, p.filed_by_org_id, p.returned_count,
  p.satisfaction_permille, p.version`;

/** Pledges below an organisation: its id appears in the pledger organisation's path in the tree copy. */
const IN_SUBTREE = `join org_tree t on t.id = p.org_id where t.path like '%/' || $1::text || '/%'`;

const toView = (r: Row): PledgeView => ({
  pledgeId: r.pledge_id,
  campaignId: r.campaign_id,
  cycleId: r.cycle_id,
  orgId: r.org_id,
  pledger: { kind: r.pledger_kind, id: r.pledger_id },
  category: r.category,
  content: r.content,
  dueOn: r.due_on,
  followsPledgeId: r.follows_pledge_id,
  status: r.status,
  percent: r.percent,
  filedByOrgId: r.filed_by_org_id,
  returnedCount: r.returned_count,
  satisfactionPermille: r.satisfaction_permille,
  version: r.version,
});

export class SqlPledgeReadModel implements PledgeReadModelPort {
  constructor(private readonly pool: Pool) {}

  async get(pledgeId: string): Promise<PledgeView | null> {
    const { rows } = await this.pool.query<Row>(`select ${COLUMNS} from pledge_view p where p.pledge_id = $1`, [pledgeId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async list(q: { subtreeOf: string; cycleId?: string; limit: number; offset: number }): Promise<{ items: PledgeView[]; total: number }> {
    const cycle = q.cycleId ? `and p.cycle_id = $2` : `and $2::uuid is null`;
    const params = [q.subtreeOf, q.cycleId ?? null];
    const { rows, total } = await pageWithTotal<Row>(
      this.pool,
      { columns: COLUMNS, from: `from pledge_view p ${IN_SUBTREE} ${cycle}`, orderBy: 'p.made_at, p.pledge_id' },
      params,
      q,
    );
    return { items: rows.map(toView), total };
  }

  async ledger(q: { subtreeOf: string; cycleId: string }): Promise<PledgeLedger> {
    const { rows } = await this.pool.query<Record<'made' | 'filed' | 'returned' | 'fulfilled' | 'lapsed', string>>(
      `select count(*) as made,
              count(*) filter (where p.filed_by_org_id is not null) as filed,
              count(*) filter (where p.returned_count > 0) as returned,
              count(*) filter (where p.status = 'fulfilled') as fulfilled,
              count(*) filter (where p.status = 'lapsed') as lapsed
         from pledge_view p ${IN_SUBTREE} and p.cycle_id = $2`,
      [q.subtreeOf, q.cycleId],
    );
    const r = rows[0];
    const [made, filed, returned, fulfilled, lapsed] = [r?.made, r?.filed, r?.returned, r?.fulfilled, r?.lapsed].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const closed = fulfilled + lapsed;
    const fulfilmentRatePermille = closed === 0 ? null : Math.floor((2000 * fulfilled + closed) / (2 * closed));
    return { subtreeOf: q.subtreeOf, cycleId: q.cycleId, made, filed, returned, fulfilled, lapsed, fulfilmentRatePermille };
  }
}
