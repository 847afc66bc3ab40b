import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { evaluationConfig } from '../src/evaluation.config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { seedDemoAssessments } from '../src/infrastructure/seed/demo-assessments.seed';
import { DEMO_CAMPAIGN_ID, seedDemoCampaign } from '../src/infrastructure/seed/demo-campaign.seed';
import { seedDemoReviews } from '../src/infrastructure/seed/demo-reviews.seed';
import { demoId, type DemoSeedContext } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

/** The reviews and assessments demo seeds: last year's reviews, two years of tiers with moves; once. */
describe('demo seeds of reviews and assessments', () => {
  let pool: Pool;
  let ctx: DemoSeedContext;
  let store: PostgresEventStore;
  const types = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type.replace('evaluation.', ''));
  const mine = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `select count(*) as n from events where stream_id like 'review-00000000-0000-4000-8000-e000300%'
              or stream_id in ($1, $2, $3, $4)`,
          ['910425101201', '910425102', '910425101', '910425'].map((c) => `assessment-${demoOrgId(c)}`),
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
    ctx = { pool, streams: new PostgresStreamsAdapter(store), tree: new SqlOrgTreeAdapter(pool, scope), campaignId: DEMO_CAMPAIGN_ID };
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('records 2010 reviews approved, returned then approved, and pending; 2009–2010 tiers with moves up and down; once', async () => {
    await seedDemoReviews(ctx);
    await seedDemoAssessments(ctx);
    const review = (n: number) => `review-${demoId(30_000_000 + n)}-2010`;
    const start = ['SelfAssessmentSubmitted', 'PeerBallotsTallied', 'ReviewConcluded'];
    expect(await types(review(0))).toEqual([...start, 'ReviewApproved']);
    expect(await types(review(1))).toEqual([...start, 'ReviewReturned', 'ReviewConcluded', 'ReviewApproved']);
    expect(await types(review(2))).toEqual(start);

    const moves = async (code: string) =>
      (await store.readStream(`assessment-${demoOrgId(code)}`))
        .filter((e) => e.type === 'evaluation.TierChanged')
        .map((e) => (e.data as { from: string; to: string }).from + '→' + (e.data as { to: string }).to);
    expect(await moves('910425101201')).toEqual(['middle→advanced']);
    expect(await moves('910425102')).toEqual(['lagging→middle']);
    expect(await moves('910425101')).toEqual(['advanced→middle']);
    expect(await moves('910425')).toEqual(['middle→advanced']);

    const before = await mine();
    expect(await seedDemoReviews(ctx)).toMatchObject({ created: false, events: 0 });
    expect(await seedDemoAssessments(ctx)).toMatchObject({ created: false, events: 0 });
    expect(await mine()).toBe(before);
  });
});
