import type { Pool } from 'pg';
import type { EvidenceItem, EvidenceSource } from '../../application/ports/evidence-source.port';

interface Row {
  class_id: string;
  topic: string;
  base: string;
  target_group: string;
  ends_on: string;
  sessions: number;
  sessions_attended: number | null;
  completed: boolean | null;
  version: number;
}

/**
 * The member's training of the year (学习培训): each class that ended in it, with the sessions
 * attended and whether it was completed — `training.completed`, `training.not_completed`, or
 * `training.enrolled` while attendance is not recorded — at the class stream's version.
 */
export class TrainingEvidenceSource implements EvidenceSource {
  readonly name = 'training';
  constructor(private readonly pool: Pool) {}

  async collect(q: { memberId: string; year: number }): Promise<EvidenceItem[]> {
    const { rows } = await this.pool.query<Row>(
      `select c.class_id, c.topic, c.base, c.target_group, to_char(c.ends_on, 'YYYY-MM-DD') as ends_on, c.sessions,
              t.sessions_attended, t.completed, c.version
         from training_trainee_view t join training_class_view c using (class_id)
        where t.member_id = $1 and c.ends_on >= make_date($2, 1, 1) and c.ends_on < make_date($2 + 1, 1, 1)
        order by c.ends_on, c.class_id`,
      [q.memberId, q.year],
    );
    return rows.map((r) => ({
      source: this.name,
      kind: r.completed === null ? 'training.enrolled' : r.completed ? 'training.completed' : 'training.not_completed',
      streamId: `training-class-${r.class_id}`,
      version: r.version,
      on: r.ends_on,
      summary: `${r.topic}（${r.base}）`,
      facts: { targetGroup: r.target_group, sessions: r.sessions, sessionsAttended: r.sessions_attended, completed: r.completed },
    }));
  }
}
