import type { RecordedEvent } from '@vanguard/event-store';
import type { PledgeEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from './projections';

/** A pledge_view row as the projection keeps it (dates and times as text, as Postgres prints them). */
interface PledgeRow {
  pledge_id: string;
  campaign_id: string;
  cycle_id: string;
  org_id: string;
  pledger_kind: string;
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
  made_at: string;
  updated_at: string;
}

const TYPES: Record<keyof PledgeRow, string> = {
  pledge_id: 'uuid',
  campaign_id: 'uuid',
  cycle_id: 'uuid',
  org_id: 'uuid',
  pledger_kind: 'text',
  pledger_id: 'uuid',
  category: 'text',
  content: 'text',
  due_on: 'date',
  follows_pledge_id: 'uuid',
  status: 'text',
  percent: 'integer',
  filed_by_org_id: 'uuid',
  returned_count: 'integer',
  satisfaction_permille: 'integer',
  version: 'integer',
  made_at: 'timestamptz',
  updated_at: 'timestamptz',
};
const COLUMNS = Object.keys(TYPES) as (keyof PledgeRow)[];

/**
 * The next row of a pledge after one of its events, or the same row when the event is not
 * the stream's next version: the subscription delivers at least once and in order, so a
 * redelivered (or, after a rebuild's swap, replayed) event matches no row and changes nothing.
 */
export function nextPledgeRow(row: PledgeRow | undefined, event: RecordedEvent): PledgeRow | undefined {
  const e = event as unknown as PledgeEvent & RecordedEvent;
  const at = event.recordedAt;
  if (e.type === 'evaluation.PledgeMade') {
    if (row) return row;
    const d = e.data;
    return {
      pledge_id: d.pledgeId,
      campaign_id: d.campaignId,
      cycle_id: d.cycleId,
      org_id: d.orgId,
      pledger_kind: d.pledger.kind,
      pledger_id: d.pledger.id,
      category: d.category,
      content: d.content,
      due_on: d.dueOn,
      follows_pledge_id: d.followsPledgeId,
      status: 'awaiting_filing',
      percent: 0,
      filed_by_org_id: null,
      returned_count: 0,
      satisfaction_permille: null,
      version: event.streamVersion,
      made_at: at,
      updated_at: at,
    };
  }
  if (!row || row.version !== event.streamVersion - 1) return row;
  return { ...row, ...change(row, e), version: event.streamVersion, updated_at: at };
}

/** What an event after PledgeMade sets. */
function change(row: PledgeRow, e: PledgeEvent): Partial<PledgeRow> {
  switch (e.type) {
    case 'evaluation.PledgeAmended':
      return { status: 'awaiting_filing', category: e.data.category, content: e.data.content, due_on: e.data.dueOn };
    case 'evaluation.PledgeReturned':
      return { status: 'returned', returned_count: row.returned_count + 1 };
    case 'evaluation.PledgeFiled':
      return { status: 'filed', filed_by_org_id: e.data.decision.decidedBy.orgId };
    case 'evaluation.PledgePublished':
      return { status: 'published' };
    case 'evaluation.PledgeProgressReported':
      return { percent: e.data.percent };
    case 'evaluation.PledgeFulfilled':
      return { status: 'fulfilled', percent: 100 };
    case 'evaluation.PledgeLapsed':
      return { status: 'lapsed' };
    case 'evaluation.PledgeRated':
      return { satisfaction_permille: e.data.satisfactionPermille };
    case 'evaluation.PledgeMade':
      return {};
  }
}

/**
 * Keeps pledge_view (or, during a rebuild, its shadow) in step with pledge streams. A page of
 * events costs two statements: read the rows it touches, fold the events over them in memory
 * (`nextPledgeRow`), write back the rows that moved. The write only ever moves a row forward
 * (`version < excluded.version`), so an older writer cannot undo a newer one.
 */
export class PledgeViewProjection implements EvaluationProjection {
  private readonly table: string;

  constructor(
    private readonly db: Queryable,
    table = 'pledge_view',
  ) {
    this.table = `"${table}"`;
  }

  apply(event: RecordedEvent): Promise<void> {
    return this.applyBatch([event]);
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const pledgeEvents = events.filter((e) => e.streamId.startsWith('pledge-'));
    if (!pledgeEvents.length) return;
    const ids = [...new Set(pledgeEvents.map((e) => (e.data as { pledgeId: string }).pledgeId))];
    const { rows } = await this.db.query<PledgeRow>(
      `select ${COLUMNS.map((c) => (TYPES[c] === 'uuid' || TYPES[c] === 'text' || TYPES[c] === 'integer' ? c : `${c}::text as ${c}`)).join(', ')}
         from ${this.table} where pledge_id = any($1::uuid[])`,
      [ids],
    );
    const current = new Map(rows.map((r) => [r.pledge_id, r]));
    const moved = new Map<string, PledgeRow>();
    for (const e of pledgeEvents) {
      const id = (e.data as { pledgeId: string }).pledgeId;
      const before = current.get(id);
      const after = nextPledgeRow(before, e);
      if (after && after !== before) {
        current.set(id, after);
        moved.set(id, after);
      }
    }
    if (!moved.size) return;
    await this.db.query(
      `insert into ${this.table} (${COLUMNS.join(', ')})
       select ${COLUMNS.join(', ')} from jsonb_to_recordset($1::jsonb) as r(${COLUMNS.map((c) => `${c} ${TYPES[c]}`).join(', ')})
       on conflict (pledge_id) do update set ${COLUMNS.filter((c) => c !== 'pledge_id')
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}
       where ${this.table}.version < excluded.version`,
      [JSON.stringify([...moved.values()])],
    );
  }
}
