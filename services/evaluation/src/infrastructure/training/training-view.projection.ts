import type { RecordedEvent } from '@vanguard/event-store';
import type { TrainingClassEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps training_class_view and training_trainee_view in step with `training-class-` streams. The
 * class row moves to the event's version only from the one before; trainee rows change in the same
 * statement only if it moved, so a redelivered event changes nothing.
 */
export class TrainingViewProjection implements EvaluationProjection {
  private readonly classes: string;
  private readonly trainees: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.classes = `"${table('training_class_view')}"`;
    this.trainees = `"${table('training_trainee_view')}"`;
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('training-class-')) return;
    const e = event as unknown as TrainingClassEvent & RecordedEvent;
    if (e.type === 'evaluation.TrainingClassOpened') {
      const d = e.data;
      await this.db.query(
        `insert into ${this.classes} (class_id, org_id, topic, base, target_group, starts_on, ends_on, sessions, version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (class_id) do nothing`,
        [d.classId, d.orgId, d.topic, d.base, d.targetGroup, d.startsOn, d.endsOn, d.sessions, e.streamVersion],
      );
      return;
    }
    const moved = `with moved as (update ${this.classes} set version = $2 where class_id = $1 and version = $2 - 1 returning class_id)`;
    if (e.type === 'evaluation.TraineesEnrolled') {
      await this.db.query(
        `${moved}
         insert into ${this.trainees} (class_id, member_id, org_id)
         select $1, t."memberId", t."orgId" from moved, jsonb_to_recordset($3::jsonb) as t("memberId" uuid, "orgId" uuid)
         on conflict do nothing`,
        [e.data.classId, e.streamVersion, JSON.stringify(e.data.trainees)],
      );
      return;
    }
    await this.db.query(
      `${moved}
       update ${this.trainees} v set sessions_attended = a."sessionsAttended", completed = a.completed
         from moved, jsonb_to_recordset($3::jsonb) as a("memberId" uuid, "sessionsAttended" integer, completed boolean)
        where v.class_id = $1 and v.member_id = a."memberId"`,
      [e.data.classId, e.streamVersion, JSON.stringify(e.data.attendance)],
    );
  }
}
