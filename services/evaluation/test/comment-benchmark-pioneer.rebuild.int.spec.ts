import { randomUUID } from 'node:crypto';
import type { PostgresEventStore, Subscription } from '@vanguard/event-store';
import type { BenchmarkEvent, CommentEvent, PioneerEvent } from '@vanguard/evaluation-domain';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { evaluationProjections } from '../src/infrastructure/projection/projections';
import { rebuildProjections } from '../src/infrastructure/projection/rebuild';
import { evaluationStoreSchema, storeContext } from './support/store-schema';

const ORG = randomUUID();
const decision = { decidedBy: { sub: 's', role: 'branch_secretary', orgId: ORG }, inputs: [], rule: { id: 'r', version: 1 }, reason: '' };
const MINE = ['evaluation.comment-view', 'evaluation.benchmark-pioneer-view'];
const TABLES = ['comment_view', 'rectification_view', 'benchmark_view', 'pioneer_stream_version', 'pioneer_view'];

/** A random history of one stream of each kind: how far each goes is drawn per stream. */
function histories(): [string, (CommentEvent | BenchmarkEvent | PioneerEvent)[]][] {
  const commentId = randomUUID();
  const [f1, f2] = [randomUUID(), randomUUID()];
  const comment: CommentEvent[] = [
    {
      type: 'evaluation.LeaderCommentMade',
      data: {
        commentId,
        orgId: ORG,
        cycleId: null,
        form: 'meeting',
        madeOn: '2011-05-10',
        summary: '会议点评',
        findings: [
          { findingId: f1, problem: 'a', rectification: 'x', deadline: '2011-05-31' },
          { findingId: f2, problem: 'b', rectification: 'y', deadline: '2011-06-30' },
        ],
        decision,
      },
    },
    { type: 'evaluation.RectificationOverdue', data: { commentId, findingId: f1, deadline: '2011-05-31', markedOn: '2011-06-01' } },
    { type: 'evaluation.RectificationCompleted', data: { commentId, findingId: f2, completedOn: '2011-06-20', onTime: true, decision } },
  ];
  const benchmarkId = randomUUID();
  const benchmark: BenchmarkEvent[] = [
    {
      type: 'evaluation.BenchmarkChosen',
      data: {
        benchmarkId,
        subject: { kind: 'organization', id: ORG },
        orgId: ORG,
        target: { kind: 'organization', id: randomUUID(), name: '标杆' },
        gaps: ['g'],
        measures: ['m'],
        dueOn: '2011-12-31',
      },
    },
    { type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId, note: 'n', percent: 50 } },
    { type: 'evaluation.BenchmarkReached', data: { benchmarkId, decision } },
  ];
  const cycleId = randomUUID();
  const candidate = { kind: 'member', id: randomUUID() } as const;
  const pioneer: PioneerEvent[] = [
    { type: 'evaluation.QuarterPioneerNominated', data: { orgId: ORG, cycleId, candidate, deeds: 'd' } },
    { type: 'evaluation.QuarterPioneerSelected', data: { orgId: ORG, cycleId, candidate, votesFor: 5, votesCast: 7, decision } },
  ];
  const cut = <T>(xs: T[]) => xs.slice(0, 1 + Math.floor(Math.random() * xs.length));
  return [
    [`comment-${commentId}`, cut(comment)],
    [`benchmark-${benchmarkId}`, cut(benchmark)],
    [`pioneer-${ORG}-${cycleId}`, cut(pioneer)],
  ];
}

/** npm run rebuild over the comment and benchmark/pioneer projections gives what following the store built. */
describe('rebuilding the comment, benchmark and pioneer projections', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  const live: Subscription[] = [];
  let appended = 0;

  const contents = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = (await db.pool.query<Record<string, unknown>>(`select * from ${t} order by 1, 2, 3`)).rows;
    return out;
  };
  const caughtUp = () =>
    waitUntil(
      'the live projections to hold every appended event',
      async () => {
        const { rows } = await db.pool.query<{ n: string }>(
          `select (select coalesce(sum(version), 0) from comment_view) + (select coalesce(sum(version), 0) from benchmark_view)
                + (select coalesce(sum(version), 0) from pioneer_stream_version) as n`,
        );
        return Number(rows[0]!.n) === appended;
      },
      { timeoutMs: 60_000 },
    );

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_cbp_rebuild'));
    for (const d of evaluationProjections.filter((p) => MINE.includes(p.name))) {
      const projection = d.create(db.pool, (t) => t);
      live.push(store.subscribe({ name: d.name, handler: (e) => projection.apply(e), pollIntervalMs: 100 }));
    }
  });
  afterAll(async () => {
    for (const s of live) await s.stop();
    await db?.drop();
  });

  it('WhenTheLiveTablesWereDamaged_GivesBackExactlyWhatLiveFollowingBuilt', async () => {
    for (let i = 0; i < 40; i++)
      for (const [streamId, events] of histories()) {
        await store.append(streamId, events, { expectedVersion: 'no_stream', context: storeContext });
        appended += events.length;
      }
    await caughtUp();
    const followed = await contents();
    expect(followed['comment_view']).toHaveLength(40);
    await db.pool.query(`update rectification_view set completed_on = null, on_time = null`);
    await db.pool.query(`delete from pioneer_view where ctid in (select ctid from pioneer_view limit 10)`);
    await db.pool.query(`update benchmark_view set percent = 3`);

    const report = await rebuildProjections(
      db.pool,
      store,
      evaluationProjections.filter((p) => MINE.includes(p.name)),
      { pageSize: 37 },
    );
    expect(report.events).toBe(appended);
    expect(await contents()).toEqual(followed);
  });
});
