import type { RecordedEvent } from '@vanguard/event-store';
import type { InspectionEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps inspection_view (one row per inspection, for lists) in step with `inspection-` streams. An
 * inspection's stream holds its launch only (findings open comment streams, ADR 0038), so a row is
 * inserted once at version 1 and a redelivered event changes nothing.
 */
export class InspectionViewProjection implements EvaluationProjection {
  constructor(
    private readonly db: Queryable,
    private readonly table = 'inspection_view',
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('inspection-') || event.type !== 'evaluation.InspectionLaunched') return;
    const d = (event as unknown as Extract<InspectionEvent, { type: 'evaluation.InspectionLaunched' }>).data;
    await this.db.query(
      `insert into "${this.table}" (inspection_id, kind, topic, launched_on, group_name, leader, scope_org_id, units, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (inspection_id) do nothing`,
      [
        d.inspectionId,
        d.kind,
        d.topic,
        d.launchedOn,
        d.group.name,
        d.group.leader,
        d.group.scopeOrgId,
        d.units.length,
        event.streamVersion,
      ],
    );
  }
}
