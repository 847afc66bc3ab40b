import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { commentDecider, inspectionDecider, replayDraw, trainingClassDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { evaluationConfig } from '../src/evaluation.config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { DEMO_CAMPAIGN_ID } from '../src/infrastructure/seed/demo-campaign.seed';
import { seedDemoInspections } from '../src/infrastructure/seed/demo-inspections.seed';
import { seedDemoTraining } from '../src/infrastructure/seed/demo-training.seed';
import { demoId, type DemoSeedContext } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

/** The inspections demo seed: a random inspection whose draw replays, two findings (one closed), and nothing more on a second run. */
describe('demo seeds of inspections and training', () => {
  let pool: Pool;
  let ctx: DemoSeedContext;

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
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

  it('records a random inspection that replays, with one rectification closed and one open; once', async () => {
    await seedDemoInspections(ctx);
    const { state, version } = await ctx.streams.load(`inspection-${demoId(60_000_000)}`, inspectionDecider);
    expect(version).toBe(1);
    const inspection = state.inspection!;
    expect(inspection.kind).toBe('random');
    expect(replayDraw(inspection.draw!, inspection.units).matches).toBe(true);
    // The seed's ids run on from the inspection's: the findings stream is the next one.
    const findingsStream = `comment-${demoId(60_000_001)}`;
    const findings = (await ctx.streams.load(findingsStream, commentDecider)).state.findings;
    expect(findings.map((f) => f.done)).toEqual([true, false]);
    expect(await seedDemoInspections(ctx)).toEqual({ slice: 'inspections', created: false, events: 0 });
  });

  it('records a class with three trainees, two completed; once', async () => {
    await seedDemoTraining(ctx);
    const { state, version } = await ctx.streams.load(`training-class-${demoId(70_000_000)}`, trainingClassDecider);
    expect([version, state.trainees.length, state.attendanceRecorded]).toEqual([3, 3, true]);
    expect(await seedDemoTraining(ctx)).toEqual({ slice: 'training', created: false, events: 0 });
  });
});
