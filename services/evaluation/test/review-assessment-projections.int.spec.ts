import { randomInt, randomUUID } from 'node:crypto';
import type { PostgresEventStore, RecordedEvent, Subscription } from '@vanguard/event-store';
import {
  assessmentDecider,
  pathAtVersionZero,
  reviewDecider,
  type AssessmentEvent,
  type ReviewCommand,
  type ReviewEvent,
  type ReviewState,
} from '@vanguard/evaluation-domain';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { evaluationProjections } from '../src/infrastructure/projection/projections';
import { rebuildProjections } from '../src/infrastructure/projection/rebuild';
import { evaluationStoreSchema, storeContext } from './support/store-schema';

const [PARENT, BRANCH] = [randomUUID(), randomUUID()];
const PATH = pathAtVersionZero([PARENT, BRANCH]);
const secretary = { sub: 's', role: 'branch_secretary', orgId: BRANCH };
const reviewer = { sub: 'r', role: 'reviewer', orgId: PARENT };
const MINE = ['evaluation.review-view', 'evaluation.assessment-view'];
const TABLES = ['review_view', 'assessment_view', 'tier_change_view'];

/** A review run by its decider to a random point: sometimes returned, sometimes approved. */
function reviewHistory(): [string, ReviewEvent[]] {
  const memberId = randomUUID();
  // At least one ballot: a tally of none is refused (TallyCountsBallotsRule), and one history in 300 drew none.
  const tally = { excellent: randomInt(0, 10), qualified: randomInt(1, 10), basicallyQualified: randomInt(0, 3), unqualified: 0 };
  const commands: ReviewCommand[] = [
    {
      type: 'SubmitSelfAssessment',
      data: { memberId, orgId: BRANCH, year: 2010, submittedOn: '2010-12-10', selfAssessment: 's', partySpiritAnalysis: 'p' },
    },
    { type: 'TallyPeerBallots', data: { memberId, year: 2010, tally, activeMembers: 30, decidedBy: secretary, memberOrgPath: PATH } },
    { type: 'ConcludeReview', data: { grade: 'qualified', decidedBy: secretary, memberOrgPath: PATH, reason: '' } },
    ...(Math.random() < 0.5
      ? ([
          { type: 'ReturnReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '补充' } },
          { type: 'ConcludeReview', data: { grade: 'basically_qualified', decidedBy: secretary, memberOrgPath: PATH, reason: '理由' } },
        ] as ReviewCommand[])
      : []),
    { type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '' } },
  ];
  let state: ReviewState = reviewDecider.initialState();
  const events: ReviewEvent[] = [];
  for (const c of commands.slice(0, randomInt(1, commands.length + 1))) {
    const out = reviewDecider.decide(c, state);
    events.push(...out);
    state = out.reduce(reviewDecider.evolve, state);
  }
  return [`review-${memberId}-2010`, events];
}

/** Two to four years of assessments of one organisation with random scores: tiers move up, down, or stay. */
function assessmentHistory(): [string, AssessmentEvent[]] {
  const orgId = randomUUID();
  let state = assessmentDecider.initialState();
  const events: AssessmentEvent[] = [];
  const score = () => randomInt(6, 21);
  for (let year = 2009; year < 2009 + randomInt(2, 5); year++) {
    const scores = { leadership: score(), membership: score(), mechanism: score(), performance: score(), reputation: score() };
    const out = assessmentDecider.decide(
      {
        type: 'AssessOrganization',
        data: {
          orgId,
          period: String(year),
          scores,
          satisfaction: null,
          monthlyReviews: [],
          decidedBy: reviewer,
          orgPath: pathAtVersionZero([PARENT, orgId]),
          ruleVersion: 1,
          reason: '',
          assessedOn: `${year + 1}-01-10`,
        },
      },
      state,
    );
    events.push(...out);
    state = out.reduce(assessmentDecider.evolve, state);
  }
  return [`assessment-${orgId}`, events];
}

/**
 * The review and assessment projections: following the store, a redelivery of every event
 * changes nothing, and `npm run rebuild` gives back exactly what following built.
 */
describe('review and assessment projections', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  const live: Subscription[] = [];
  const expected = { reviewVersions: 0, assessed: 0, changes: 0 };

  const contents = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES)
      out[t] = (await db.pool.query<Record<string, unknown>>(`select * from ${t} order by 1, 2`)).rows.map(({ updated_at: _u, ...r }) => r);
    return out;
  };

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_review_assessment'));
    for (const d of evaluationProjections.filter((p) => MINE.includes(p.name))) {
      const projection = d.create(db.pool, (t) => t);
      live.push(store.subscribe({ name: d.name, handler: (e) => projection.apply(e), pollIntervalMs: 100 }));
    }
  });
  afterAll(async () => {
    for (const s of live) await s.stop();
    await db?.drop();
  });

  it('follows the store, ignores redelivery, and rebuilds to the same tables', async () => {
    for (let i = 0; i < 30; i++) {
      const [reviewId, reviewEvents] = reviewHistory();
      const [assessmentId, assessmentEvents] = assessmentHistory();
      // Interleave the two streams' appends, so the global order mixes them.
      await Promise.all([
        store.append(reviewId, reviewEvents, { expectedVersion: 'no_stream', context: storeContext }),
        store.append(assessmentId, assessmentEvents, { expectedVersion: 'no_stream', context: storeContext }),
      ]);
      expected.reviewVersions += reviewEvents.length;
      expected.assessed += assessmentEvents.filter((e) => e.type === 'evaluation.OrganizationAssessed').length;
      expected.changes += assessmentEvents.filter((e) => e.type === 'evaluation.TierChanged').length;
    }
    await waitUntil(
      'the live projections to hold every appended event',
      async () => {
        const { rows } = await db.pool.query<{ v: string; a: string; c: string }>(
          `select (select coalesce(sum(version), 0) from review_view) as v, (select count(*) from assessment_view) as a,
                  (select count(*) from tier_change_view) as c`,
        );
        const r = rows[0]!;
        return Number(r.v) === expected.reviewVersions && Number(r.a) === expected.assessed && Number(r.c) === expected.changes;
      },
      { timeoutMs: 60_000 },
    );
    const followed = await contents();
    expect(followed['review_view']).toHaveLength(30);

    // At-least-once delivery: every event again, in order, changes nothing.
    const all: RecordedEvent[] = [];
    for await (const batch of store.readAll()) all.push(...batch.events);
    for (const d of evaluationProjections.filter((p) => MINE.includes(p.name))) {
      const again = d.create(db.pool, (t) => t);
      for (const e of all) await again.apply(e);
    }
    expect(await contents()).toEqual(followed);

    await db.pool.query(`update review_view set grade = 'unqualified', status = 'x'`);
    await db.pool.query(`delete from tier_change_view where ctid in (select ctid from tier_change_view limit 3)`);
    await db.pool.query(`update assessment_view set previous_tier = null`);
    const report = await rebuildProjections(
      db.pool,
      store,
      evaluationProjections.filter((p) => MINE.includes(p.name)),
      { pageSize: 17 },
    );
    expect(report.events).toBe(all.length);
    expect(await contents()).toEqual(followed);
  });
});
