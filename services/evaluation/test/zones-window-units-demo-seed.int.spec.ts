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
import { DEMO_ZONES } from '../src/infrastructure/seed/demo-zones';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

/** The fifteen zones, last month's rounds and window unit of the demo seed (ADR 0047, 0064), and nothing more on a second run. */
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

  it('designates fifteen zones, each with its leader and May’s round concluded with its units ranked and a finding to rectify, and publishes a window unit with its services counted; once', async () => {
    const started = Date.now();
    await seedDemoFieldWork(ctx);
    const firstRun = Date.now() - started;
    const zones = [demoId(80_000_000), demoId(80_000_001), ...Array.from({ length: 13 }, (_, i) => demoId(80_000_000 + 10 * (i + 2)))];
    // Each zone's one May round: the id its zone and month name (roundIdOf), or, in a database seeded
    // when rounds had fixed ids, the one it kept — either way exactly one.
    const { rows: opened } = await pool.query<{ zone_id: string; round_id: string }>(
      `select data->>'zoneId' as zone_id, data->>'roundId' as round_id from evaluation.events_view
        where type = 'evaluation.MonthlyReviewOpened' and data->>'month' = '2011-05' and data->>'zoneId' = any($1)`,
      [zones],
    );
    expect(opened.map((o) => o.zone_id).sort()).toEqual([...zones].sort());
    const rounds = zones.map((zoneId) => opened.find((o) => o.zone_id === zoneId)!.round_id);
    const findings = [demoId(80_000_003), ...Array.from({ length: 14 }, (_, i) => demoId(80_000_000 + 10 * (i + 1) + 2))];
    const leaders = new Set<string>();
    const units = new Set<string>();
    for (const [z, zoneId] of zones.entries()) {
      const zone = (await ctx.streams.load(`zone-${zoneId}`, zoneDecider)).state.zone!;
      expect(zone).toMatchObject({ name: DEMO_ZONES[z]!.name, campaignId: DEMO_CAMPAIGN_ID });
      leaders.add(zone.leader);
      zone.units.forEach((u) => units.add(u));
      const round = (await ctx.streams.load(`monthly-review-${rounds[z]!}`, monthlyReviewDecider)).state;
      expect(round.round).toMatchObject({ zoneId, month: '2011-05', theme: '喜迎建党90周年', rubric: { version: 2 }, leader: zone.leader });
      // Every unit of the zone scored and ranked, units never individuals.
      expect(round.concluded!.results.map((r) => r.orgId).sort()).toEqual([...zone.units].sort());
      expect(round.concluded!.results[0]!.rank).toBe(1);
      const finding = (await ctx.streams.load(`comment-${findings[z]!}`, commentDecider)).state;
      expect(finding.findings).toMatchObject([{ deadline: '2011-06-30', done: false }]);
    }
    expect(leaders.size).toBe(15);
    // The first zone's units and ranking as the demo always had them; a zone of three window units.
    const first = (await ctx.streams.load(`monthly-review-${rounds[0]!}`, monthlyReviewDecider)).state;
    expect(first.round!.units).toEqual([TOWNSHIP, VILLAGE]);
    expect(first.concluded!.results.map((r) => [r.orgId, r.rank])).toEqual([
      [TOWNSHIP, 1],
      [VILLAGE, 2],
    ]);
    const third = (await ctx.streams.load(`zone-${zones[2]!}`, zoneDecider)).state.zone!;
    const { rows } = await pool.query<{ name: string }>(`select name from org_tree where id = any($1::uuid[]) order by code`, [
      third.units,
    ]);
    expect(rows.map((r) => r.name)).toEqual(['松岭旗政务服务中心', '松岭旗税务局办税服务厅', '松岭旗不动产登记中心']);
    // 白桦镇, 红石村, 河口镇 and every field unit but those of a second zone designated before there were fifteen.
    expect(units.size).toBeGreaterThanOrEqual(42);

    const window = await ctx.streams.load(`window-unit-${TOWNSHIP}`, windowUnitDecider);
    expect(window.state.commitments?.serviceName).toBe('白桦镇便民服务中心');
    expect([...window.state.counts.values()].reduce((s, n) => s + n, 0)).toBe(40);
    const again = Date.now();
    expect(await seedDemoFieldWork(ctx)).toEqual({ slice: 'field-work', created: false, events: 0 });
    process.stdout.write(`[zones demo seed] first run ${firstRun} ms, second ${Date.now() - again} ms\n`);
  });
});
