import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { commentDecider, monthlyReviewDecider, windowUnitDecider, zoneDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { evaluationConfig } from '../src/evaluation.config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { DEMO_CAMPAIGN_ID, seedDemoCampaign } from '../src/infrastructure/seed/demo-campaign.seed';
import { seedDemoFieldWork } from '../src/infrastructure/seed/demo-field-work.seed';
import { demoId, TOWNSHIP, VILLAGE, type DemoSeedContext } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

/** The zones, last month's round and window unit of the demo seed (ADR 0047), and nothing more on a second run. */
describe('demo seed of zones, monthly reviews and window units', () => {
  let pool: Pool;
  let ctx: DemoSeedContext;

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    const url = evaluationConfig(infraConfig(), 'test').databaseUrl;
    await seedDemoCampaign(url);
    pool = new Pool({ connectionString: url, max: 2 });
    const scope = new ScopeService();
    await scope.load(pool);
    ctx = {
      pool,
      streams: new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'evaluation' })),
      tree: new SqlOrgTreeAdapter(pool, scope),
      campaignId: DEMO_CAMPAIGN_ID,
    };
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('designates two zones, concludes May’s round with its units ranked and a finding to rectify, and publishes a window unit with its services counted; once', async () => {
    await seedDemoFieldWork(ctx);
    const zone = await ctx.streams.load(`zone-${demoId(80_000_000)}`, zoneDecider);
    expect(zone.state.zone).toMatchObject({ units: [TOWNSHIP, VILLAGE], campaignId: DEMO_CAMPAIGN_ID });
    // Ids run on: zone 1, zone 2, then the round.
    const round = await ctx.streams.load(`monthly-review-${demoId(80_000_002)}`, monthlyReviewDecider);
    expect(round.state.round).toMatchObject({ month: '2011-05', theme: '喜迎建党90周年', rubric: { version: 2 } });
    expect(round.state.concluded?.results.map((r) => [r.orgId, r.rank])).toEqual([
      [TOWNSHIP, 1],
      [VILLAGE, 2],
    ]);
    const findings = await ctx.streams.load(`comment-${demoId(80_000_003)}`, commentDecider);
    expect(findings.state.findings).toMatchObject([{ deadline: '2011-06-30', done: false }]);
    const window = await ctx.streams.load(`window-unit-${TOWNSHIP}`, windowUnitDecider);
    expect(window.state.commitments?.serviceName).toBe('白桦镇便民服务中心');
    expect([...window.state.counts.values()].reduce((s, n) => s + n, 0)).toBe(40);
    expect(await seedDemoFieldWork(ctx)).toEqual({ slice: 'field-work', created: false, events: 0 });
  });
});
