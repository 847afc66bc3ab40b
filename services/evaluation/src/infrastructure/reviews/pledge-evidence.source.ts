import type { Pool } from 'pg';
import type { EvidenceItem, EvidenceSource } from '../../application/ports/evidence-source.port';

interface Row {
  pledge_id: string;
  content: string;
  due_on: string;
  status: 'fulfilled' | 'lapsed';
  percent: number;
  satisfaction_permille: number | null;
  version: number;
}

/**
 * Pledges the member made (承诺) that the filing level closed in the year — kept (兑现) or not
 * (未兑现) — from the pledge projection, each at the stream version the row reflects.
 */
export class PledgeEvidenceSource implements EvidenceSource {
  readonly name = 'pledge';
  constructor(private readonly pool: Pool) {}

  async collect(q: { memberId: string; year: number }): Promise<EvidenceItem[]> {
    const { rows } = await this.pool.query<Row>(
      `select pledge_id, content, to_char(due_on, 'YYYY-MM-DD') as due_on, status, percent, satisfaction_permille, version
         from pledge_view
        where pledger_kind = 'member' and pledger_id = $1 and status in ('fulfilled', 'lapsed')
          and due_on >= make_date($2, 1, 1) and due_on < make_date($2 + 1, 1, 1)
        order by due_on, pledge_id`,
      [q.memberId, q.year],
    );
    return rows.map((r) => ({
      source: this.name,
      kind: `pledge.${r.status}`,
      streamId: `pledge-${r.pledge_id}`,
      version: r.version,
      on: r.due_on,
      summary: r.content,
      facts: { status: r.status, percent: r.percent, satisfactionPermille: r.satisfaction_permille },
    }));
  }
}
