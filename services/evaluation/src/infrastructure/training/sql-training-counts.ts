import type { Pool } from 'pg';

export interface TrainingCounts {
  readonly subtreeOf: string;
  readonly from: string;
  readonly to: string;
  readonly classes: number;
  readonly trainees: number;
  readonly completed: number;
}

/** 办班期数、培训人次、结业人次 of the classes organised in a subtree that ended in [from, to]. */
export class SqlTrainingCounts {
  constructor(private readonly pool: Pool) {}

  async counts(subtreeOf: string, from: string, to: string): Promise<TrainingCounts> {
    const { rows } = await this.pool.query<{ classes: string; trainees: string; completed: string }>(
      `select count(distinct c.class_id) as classes, count(t.member_id) as trainees, count(*) filter (where t.completed) as completed
         from training_class_view c left join training_trainee_view t using (class_id)
        where c.ends_on between $2::date and $3::date
          and exists (select 1 from org_tree o where o.id = c.org_id and o.path like '%/' || $1::text || '/%')`,
      [subtreeOf, from, to],
    );
    const r = rows[0]!;
    return { subtreeOf, from, to, classes: Number(r.classes), trainees: Number(r.trainees), completed: Number(r.completed) };
  }
}
