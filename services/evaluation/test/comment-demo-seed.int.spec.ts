import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { campaignDecider, commentDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { evaluationConfig } from '../src/evaluation.config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { DEMO_CAMPAIGN_ID, seedDemoCampaign } from '../src/infrastructure/seed/demo-campaign.seed';
import { seedDemoBenchmarksPioneers } from '../src/infrastructure/seed/demo-benchmarks-pioneers.seed';
import { seedDemoComments } from '../src/infrastructure/seed/demo-comments.seed';
import { demoId, TOWNSHIP, type DemoSeedContext } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

/** The comments and benchmarks-pioneers demo seeds: what they record, and that a second run adds nothing. */
describe('demo seeds of comments, benchmarks and pioneers', () => {
  let pool: Pool;
  let ctx: DemoSeedContext;
  let store: PostgresEventStore;
  const inMyBlocks = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `select count(*) as n from events where stream_id like 'comment-00000000-0000-4000-8000-e000100%'
              or stream_id like 'benchmark-00000000-0000-4000-8000-e000500%' or stream_id like 'pioneer-%'`,
        )
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    const url = evaluationConfig(infraConfig(), 'test').databaseUrl;
    await seedDemoCampaign(url);
    pool = new Pool({ connectionString: url, max: 4 });
    const scope = new ScopeService();
    await scope.load(pool);
    store = new PostgresEventStore(pool, { schema: 'evaluation' });
    const streams = new PostgresStreamsAdapter(store);
    ctx = { pool, streams, tree: new SqlOrgTreeAdapter(pool, scope), campaignId: DEMO_CAMPAIGN_ID };
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('records comments with rectifications done on time, done late and overdue, a benchmark with progress, a past pioneer unit and person; once', async () => {
    await seedDemoComments(ctx);
    await seedDemoBenchmarksPioneers(ctx);
    const { state } = await ctx.streams.load(`comment-${demoId(10_000_000)}`, commentDecider);
    expect(state.findings.map((f) => [f.done, f.markedOverdue])).toEqual([
      [true, false],
      [true, false],
      [false, true],
    ]);
    const read = (streamId: string) => store.readStream(streamId);
    const done = (await read(`comment-${demoId(10_000_000)}`)).filter((e) => e.type === 'evaluation.RectificationCompleted');
    expect(done.map((e) => (e.data as { onTime: boolean }).onTime)).toEqual([true, false]);
    expect((await read(`benchmark-${demoId(50_000_000)}`)).map((e) => e.type)).toEqual([
      'evaluation.BenchmarkChosen',
      'evaluation.BenchmarkProgressReported',
      'evaluation.BenchmarkProgressReported',
    ]);
    const memberBench = await read(`benchmark-${demoId(50_000_010)}`);
    expect(memberBench.map((e) => [e.type, (e.data as { subject: { kind: string } }).subject.kind])).toEqual([
      ['evaluation.BenchmarkChosen', 'member'],
    ]);
    const q1 = (await ctx.streams.load(`campaign-${DEMO_CAMPAIGN_ID}`, campaignDecider)).state.cycles.find((c) => c.quarter === '2011-Q1')!;
    const pioneer = await read(`pioneer-${TOWNSHIP}-${q1.cycleId}`);
    expect(pioneer.map((e) => e.type)).toEqual([
      'evaluation.QuarterPioneerNominated',
      'evaluation.QuarterPioneerNominated',
      'evaluation.QuarterPioneerSelected',
      'evaluation.QuarterPioneerSelected',
    ]);
    // A unit and a person: reporting counts 先锋模范 in persons and the branch apart (pioneer_units).
    expect(pioneer.slice(2).map((e) => (e.data as { candidate: { kind: string } }).candidate.kind)).toEqual(['organization', 'member']);
    expect(pioneer[3]!.data).toMatchObject({
      decision: { decidedBy: { role: 'branch_secretary', orgId: TOWNSHIP }, rule: { id: 'evaluation.pioneer.majority', version: 1 } },
    });

    const before = await inMyBlocks();
    expect(await seedDemoComments(ctx)).toEqual({ slice: 'comments', created: false, events: 0 });
    expect(await seedDemoBenchmarksPioneers(ctx)).toEqual({ slice: 'benchmarks-pioneers', created: false, events: 0 });
    expect(await inMyBlocks()).toBe(before);
  });
});
