import type { Pool } from 'pg';
import type { OrgTier } from '@vanguard/evaluation-domain';
import type {
  AssessmentReadModelPort,
  AssessmentView,
  TierChangeReport,
  TierChangeView,
} from '../../application/ports/assessment-read-model.port';
import { pageWithTotal } from '../projection/sql-page';

interface Row {
  org_id: string;
  period: string;
  scores: AssessmentView['scores'];
  total: number;
  tier: OrgTier;
  star_rating: number;
  rule_id: string;
  rule_version: number;
  previous_tier: OrgTier | null;
  version: number;
}

const COLUMNS = `a.org_id, a.period, a.scores, a.total, a.tier, a.star_rating, a.rule_id, a.rule_version, a.previous_tier, a.version`;
/** Rows below an organisation: its id appears in the organisation's path in the tree copy. */
const IN_SUBTREE = (alias: string) =>
  `join org_tree t on t.id = ${alias}.org_id where t.path like '%/' || $1::text || '/%' and ${alias}.period = $2`;

const toView = (r: Row): AssessmentView => ({
  orgId: r.org_id,
  period: r.period,
  scores: r.scores,
  total: r.total,
  tier: r.tier,
  starRating: r.star_rating,
  rule: { id: r.rule_id, version: r.rule_version },
  previousTier: r.previous_tier,
  version: r.version,
});

export class SqlAssessmentReadModel implements AssessmentReadModelPort {
  constructor(private readonly pool: Pool) {}

  async ofOrganization(orgId: string): Promise<AssessmentView[]> {
    const { rows } = await this.pool.query<Row>(`select ${COLUMNS} from assessment_view a where a.org_id = $1 order by a.version`, [orgId]);
    return rows.map(toView);
  }

  async list(q: { subtreeOf: string; period: string; limit: number; offset: number }) {
    const params = [q.subtreeOf, q.period];
    const { rows, total } = await pageWithTotal<Row>(
      this.pool,
      { columns: COLUMNS, from: `from assessment_view a ${IN_SUBTREE('a')}`, orderBy: 't.path' },
      params,
      q,
    );
    return { items: rows.map(toView), total };
  }

  async tierChanges(q: { subtreeOf: string; period: string }): Promise<TierChangeReport> {
    const params = [q.subtreeOf, q.period];
    const [tiers, changes] = await Promise.all([
      this.pool.query<{ tier: OrgTier; n: string }>(
        `select a.tier, count(*) as n from assessment_view a ${IN_SUBTREE('a')} group by a.tier`,
        params,
      ),
      this.pool.query<{ org_id: string; period: string; from_tier: OrgTier; to_tier: OrgTier; direction: 'up' | 'down' }>(
        `select c.org_id, c.period, c.from_tier, c.to_tier, c.direction from tier_change_view c ${IN_SUBTREE('c')} order by c.direction desc, t.path`,
        params,
      ),
    ]);
    const byTier: Record<OrgTier, number> = { advanced: 0, middle: 0, lagging: 0 };
    for (const r of tiers.rows) byTier[r.tier] = Number(r.n);
    const list: TierChangeView[] = changes.rows.map((r) => ({
      orgId: r.org_id,
      period: r.period,
      from: r.from_tier,
      to: r.to_tier,
      direction: r.direction,
    }));
    return {
      subtreeOf: q.subtreeOf,
      period: q.period,
      assessed: byTier.advanced + byTier.middle + byTier.lagging,
      up: list.filter((c) => c.direction === 'up').length,
      down: list.filter((c) => c.direction === 'down').length,
      byTier,
      changes: list,
    };
  }
}
