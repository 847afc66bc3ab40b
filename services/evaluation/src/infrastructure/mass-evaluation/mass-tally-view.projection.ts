import type { RecordedEvent } from '@vanguard/event-store';
import type { MassTallyEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps mass_tally_view in step with `mass-tally-<subjectId>-<period>` streams: a mass evaluation
 * a county system counted on paper (ADR 0046), one row per subject and period holding the count in
 * force. A later count replaces the row; a redelivered or older version changes nothing, because
 * the row moves only forward in its stream's versions. Sibling of mass_rating_view (the online
 * windows): the evidence pack reads both as mass ratings.
 */
export class MassTallyViewProjection implements EvaluationProjection {
  /** `table`: the live table, or the rebuild's shadow of it (ADR 0024). */
  constructor(
    private readonly db: Queryable,
    private readonly table = 'mass_tally_view',
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('mass-tally-')) return;
    const e = event as unknown as MassTallyEvent & RecordedEvent;
    if (e.type !== 'evaluation.MassEvaluationTallyRecorded') return;
    const d = e.data;
    await this.db.query(
      `insert into ${this.table} (stream_id, subject_kind, subject_id, org_id, period, held_on, ballots_issued, ballots_returned,
                                  satisfied, basically_satisfied, dissatisfied, satisfaction_permille, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (stream_id) do update set
         org_id = excluded.org_id, held_on = excluded.held_on, ballots_issued = excluded.ballots_issued,
         ballots_returned = excluded.ballots_returned, satisfied = excluded.satisfied,
         basically_satisfied = excluded.basically_satisfied, dissatisfied = excluded.dissatisfied,
         satisfaction_permille = excluded.satisfaction_permille, version = excluded.version
       where ${this.table}.version < excluded.version`,
      [
        event.streamId,
        d.subject.kind,
        d.subject.id,
        d.orgId,
        d.period,
        d.heldOn,
        d.ballotsIssued,
        d.ballotsReturned,
        d.tally.satisfied,
        d.tally.basicallySatisfied,
        d.tally.dissatisfied,
        d.satisfactionPermille,
        event.streamVersion,
      ],
    );
  }
}
