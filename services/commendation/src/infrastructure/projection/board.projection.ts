import type { RecordedEvent } from '@vanguard/event-store';
import type {
  AwardProgrammeLaunched,
  CommendationDecided,
  ContractData,
  NominationEndorsed,
  NominationSubmitted,
  PublicNoticePublished,
  QuotaAllocated,
} from '@vanguard/contracts';
import type { CommendationProjection, Queryable } from './projections';

type Launched = ContractData<typeof AwardProgrammeLaunched>;
type Allocated = ContractData<typeof QuotaAllocated>;
type Submitted = ContractData<typeof NominationSubmitted>;
type Endorsed = ContractData<typeof NominationEndorsed>;
type Decided = ContractData<typeof CommendationDecided>;
type Published = ContractData<typeof PublicNoticePublished>;
type StepEvent = { nominationId: string; step: { level: string } };

/**
 * Programmes, nominations and each nomination's outcome per reviewing level, for the
 * dashboards. Every event of a nomination stream moves its row by one version (also the ones
 * that change nothing shown), and the level rows change in the same statement only if the
 * nomination row moved, so redelivery and a rebuild's replay change nothing.
 */
export class BoardProjection implements CommendationProjection {
  private readonly programmes: string;
  private readonly nominations: string;
  private readonly levels: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.programmes = `"${table('programme_view')}"`;
    this.nominations = `"${table('nomination_view')}"`;
    this.levels = `"${table('nomination_level_view')}"`;
  }

  async apply(e: RecordedEvent): Promise<void> {
    if (e.streamId.startsWith('award-programme-')) return this.programme(e);
    if (e.type === 'commendation.PublicNoticePublished') return this.noticed(e as RecordedEvent<Published>);
    if (!e.streamId.startsWith('nomination-')) return;
    const d = e.data as { nominationId: string };
    switch (e.type) {
      case 'commendation.NominationSubmitted':
        return this.submitted(e as RecordedEvent<Submitted>);
      case 'commendation.NominationEndorsed':
        return this.endorsed(e as RecordedEvent<Endorsed>);
      case 'commendation.NominationReturned':
        return this.stepOutcome(e as RecordedEvent<StepEvent>, 'returned');
      case 'commendation.NominationRejected':
        return this.stepOutcome(e as RecordedEvent<StepEvent>, 'rejected');
      case 'commendation.NominationAmended':
        // Reviewed again from the first level of its chain.
        return this.move(
          e,
          d.nominationId,
          `status = 'under_review', pending_level = f.level, pending_org_id = f.org_id, pending_due_on = f.due_on,
           deeds_summary = coalesce($4::jsonb #>> '{deeds,summary}', deeds_summary)`,
          [JSON.stringify(e.data)],
          `update ${this.levels} set outcome = case when step_index = 0 then 'pending' else 'waiting' end, late = false
            where nomination_id = $1 and exists (select 1 from moved)`,
          this.stepRow('f', '0'),
        );
      case 'commendation.NominationWithdrawn':
        return this.move(e, d.nominationId, `status = 'withdrawn', pending_level = null, pending_org_id = null, pending_due_on = null`);
      case 'commendation.CommendationDecided':
        return this.move(e, d.nominationId, `status = 'decided', document_number = $4`, [(e.data as Decided).documentNumber]);
      case 'commendation.CommendationRevoked':
        return this.move(e, d.nominationId, `status = 'revoked'`);
      default:
        // EligibilityChecked, NominationReviewOverdue (overdue is judged when read): the version moves.
        return this.move(e, d.nominationId, `status = status`);
    }
  }

  private async programme(e: RecordedEvent): Promise<void> {
    if (e.type === 'commendation.AwardProgrammeLaunched') {
      const d = e.data as Launched;
      await this.db.query(
        `insert into ${this.programmes} (programme_id, name, org_id, level, categories, years, timeline, version, launched_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) on conflict (programme_id) do nothing`,
        [
          d.programmeId,
          d.name,
          d.orgId,
          d.level,
          JSON.stringify(d.categories),
          JSON.stringify(d.years),
          JSON.stringify(d.timeline),
          e.streamVersion,
          e.recordedAt,
        ],
      );
      return;
    }
    const quota = e.type === 'commendation.QuotaAllocated' ? (e.data as Allocated) : null;
    await this.db.query(
      `update ${this.programmes}
          set version = $2, updated_at = $3,
              quotas = case when $4::text is null then quotas else jsonb_set(quotas, array[$4::text], to_jsonb($5::int)) end
        where programme_id = $1 and version = $2 - 1`,
      [
        e.streamId.slice('award-programme-'.length),
        e.streamVersion,
        e.recordedAt,
        quota ? `${quota.unitOrgId}:${quota.category}` : null,
        quota?.places ?? 0,
      ],
    );
  }

  private async submitted(e: RecordedEvent<Submitted>): Promise<void> {
    const d = e.data;
    const first = d.chain[0]!;
    await this.db.query(
      `with added as (
         insert into ${this.nominations}
           (nomination_id, programme_id, category, nominee, nominator_org_id, unit_org_id, chain, deeds_summary, status,
            pending_level, pending_org_id, pending_due_on, version, submitted_at, updated_at)
         values ($1, $2, $3, $4, $5, $13, $6, $7, 'under_review', $8, $9, $10, $11, $12, $12)
         on conflict (nomination_id) do nothing returning nomination_id)
       insert into ${this.levels} (nomination_id, programme_id, level, step_index, org_id, due_on, outcome)
       select $1, $2, s.step->>'level', s.i - 1, (s.step->>'orgId')::uuid, (s.step->>'dueOn')::date,
              case when s.i = 1 then 'pending' else 'waiting' end
         from added, jsonb_array_elements($6::jsonb) with ordinality as s(step, i)`,
      [
        d.nominationId,
        d.programmeId,
        d.category,
        JSON.stringify(d.nominee),
        d.nominatorOrgId,
        JSON.stringify(d.chain),
        d.deeds.summary,
        first.level,
        first.orgId,
        first.dueOn,
        e.streamVersion,
        e.recordedAt,
        d.quota.unitOrgId,
      ],
    );
  }

  private async endorsed(e: RecordedEvent<Endorsed>): Promise<void> {
    const d = e.data;
    await this.move(
      e,
      d.nominationId,
      `status = case when $5::boolean then 'shortlisted' else 'under_review' end,
       pending_level = n.level, pending_org_id = n.org_id, pending_due_on = n.due_on`,
      [d.step.level, d.shortlisted, d.late],
      `update ${this.levels} l set outcome = case when l.level = $4 then 'endorsed' else 'pending' end,
              late = case when l.level = $4 then $6::boolean else l.late end
        where l.nomination_id = $1 and exists (select 1 from moved)
          and (l.level = $4 or l.step_index = (select step_index + 1 from ${this.levels} where nomination_id = $1 and level = $4))`,
      this.stepRow('n', `(select step_index + 1 from ${this.levels} where nomination_id = $1 and level = $4)`),
    );
  }

  private stepOutcome(e: RecordedEvent<StepEvent>, outcome: 'returned' | 'rejected'): Promise<void> {
    return this.move(
      e,
      e.data.nominationId,
      `status = $5, pending_level = null, pending_org_id = null, pending_due_on = null`,
      [e.data.step.level, outcome],
      `update ${this.levels} set outcome = $5 where nomination_id = $1 and level = $4 and exists (select 1 from moved)`,
    );
  }

  private async noticed(e: RecordedEvent<Published>): Promise<void> {
    await this.db.query(
      `update ${this.nominations} set noticed_round = greatest(coalesce(noticed_round, 0), $1)
        where nomination_id = any($2::uuid[])`,
      [e.data.round, e.data.entries.map((x) => x.nominationId)],
    );
  }

  /** One row (nulls past the chain's end) with the level, organisation and deadline of the step at `index`. */
  private stepRow(alias: string, index: string): string {
    const col = (c: string) => `(select ${c} from ${this.levels} where nomination_id = $1 and step_index = ${index}) as ${c}`;
    return `from (select ${col('level')}, ${col('org_id')}, ${col('due_on')}) ${alias}`;
  }

  /**
   * Moves the nomination row to this event's version with `set` ($1 id, $2 version, $3 time,
   * then `params`), and runs `also` (which may read `moved`) in the same statement. `from`
   * joins a row the `set` may read.
   */
  private async move(e: RecordedEvent, nominationId: string, set: string, params: unknown[] = [], also?: string, from = ''): Promise<void> {
    const update = `update ${this.nominations} set ${set}, version = $2, updated_at = $3 ${from}
                     where nomination_id = $1 and version = $2 - 1 returning nomination_id`;
    const sql = also ? `with moved as (${update}) ${also}` : update;
    await this.db.query(sql, [nominationId, e.streamVersion, e.recordedAt, ...params]);
  }
}
