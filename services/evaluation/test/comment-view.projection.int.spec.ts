import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { RecordedEvent } from '@vanguard/event-store';
import type { CommentEvent } from '@vanguard/evaluation-domain';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { commentsMigrations } from '../src/infrastructure/migrations/comments.migrations';
import { CommentViewInspection1764780000000 } from '../src/infrastructure/migrations/inspections.migrations';
import { MonthlyReviewViews1764780000002 } from '../src/infrastructure/migrations/monthly-review.migrations';
import { CommentProjection } from '../src/infrastructure/projection/comments/comment.projection';

const ORG = randomUUID();
const decision = { decidedBy: { sub: 's', role: 'branch_secretary', orgId: ORG }, inputs: [], rule: { id: 'r', version: 1 }, reason: '' };

/** One comment's history: made with three findings, one marked overdue, two completed. */
function history(commentId: string): RecordedEvent[] {
  const [f1, f2, f3] = [randomUUID(), randomUUID(), randomUUID()];
  const events: CommentEvent[] = [
    {
      type: 'evaluation.LeaderCommentMade',
      data: {
        commentId,
        orgId: ORG,
        cycleId: null,
        form: 'talk',
        madeOn: '2011-05-10',
        summary: '谈话点评',
        findings: [
          { findingId: f1, problem: 'a', rectification: 'x', deadline: '2011-05-31' },
          { findingId: f2, problem: 'b', rectification: 'y', deadline: '2011-06-30' },
          { findingId: f3, problem: 'c', rectification: 'z', deadline: '2011-07-31' },
        ],
        decision,
      },
    },
    { type: 'evaluation.RectificationOverdue', data: { commentId, findingId: f1, deadline: '2011-05-31', markedOn: '2011-06-01' } },
    { type: 'evaluation.RectificationCompleted', data: { commentId, findingId: f1, completedOn: '2011-06-03', onTime: false, decision } },
    { type: 'evaluation.RectificationCompleted', data: { commentId, findingId: f2, completedOn: '2011-06-20', onTime: true, decision } },
  ];
  return events.map(
    (e, i) =>
      ({
        ...e,
        streamId: `comment-${commentId}`,
        streamVersion: i + 1,
        recordedAt: `2011-06-0${i + 1}T00:00:00Z`,
      }) as unknown as RecordedEvent,
  );
}

/** At-least-once delivery: in order, but after a failure back to an earlier checkpoint and on from there. */
function redelivered(events: RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let i = 0;
  while (i < events.length) {
    out.push(events[i]!);
    i++;
    if (Math.random() < 0.4) i = Math.floor(Math.random() * i);
  }
  return out;
}

describe(CommentProjection.name, () => {
  let db: TestSchema;
  let sut: CommentProjection;
  const state = async (commentId: string) => ({
    comment: (
      await db.pool.query(`select form, to_char(made_on, 'YYYY-MM-DD') as made_on, version from comment_view where comment_id = $1`, [
        commentId,
      ])
    ).rows,
    findings: (
      await db.pool.query(
        `select problem, to_char(deadline, 'YYYY-MM-DD') as deadline, to_char(completed_on, 'YYYY-MM-DD') as completed_on, on_time,
                to_char(marked_overdue_on, 'YYYY-MM-DD') as marked_overdue_on
           from rectification_view where comment_id = $1 order by problem`,
        [commentId],
      )
    ).rows,
  });

  beforeAll(async () => {
    db = await createTestSchema('comment_view');
    // The inspections and monthly-review slices added comment_view.inspection_id and round_id (ADR 0038, 0047), which the projection writes.
    for (const M of [...commentsMigrations, CommentViewInspection1764780000000, MonthlyReviewViews1764780000002])
      await new M().up(db.pool as unknown as QueryRunner);
    sut = new CommentProjection(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('ends with the same rows whatever is delivered again, over 15 random redeliveries', async () => {
    const once = randomUUID();
    for (const e of history(once)) await sut.apply(e);
    const expected = await state(once);
    expect(expected).toEqual({
      comment: [{ form: 'talk', made_on: '2011-05-10', version: 4 }],
      findings: [
        { problem: 'a', deadline: '2011-05-31', completed_on: '2011-06-03', on_time: false, marked_overdue_on: '2011-06-01' },
        { problem: 'b', deadline: '2011-06-30', completed_on: '2011-06-20', on_time: true, marked_overdue_on: null },
        { problem: 'c', deadline: '2011-07-31', completed_on: null, on_time: null, marked_overdue_on: null },
      ],
    });
    for (let round = 0; round < 15; round++) {
      const id = randomUUID();
      for (const e of redelivered(history(id))) await sut.apply(e);
      expect(await state(id)).toEqual(expected);
    }
  });

  it('ignores an event that skips a version (it waits for the one before it)', async () => {
    const id = randomUUID();
    const [made, , completed] = history(id);
    await sut.apply(made!);
    await sut.apply(completed!);
    expect((await state(id)).findings.map((f: { completed_on: unknown }) => f.completed_on)).toEqual([null, null, null]);
  });
});
