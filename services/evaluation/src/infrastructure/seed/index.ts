import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { PostgresEventStore } from '@vanguard/event-store';
import { PostgresStreamsAdapter } from '../event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../org-tree/sql-org-tree.adapter';
import { DEMO_CAMPAIGN_ID, seedDemoCampaign } from './demo-campaign.seed';
import { seedDemoAssessments } from './demo-assessments.seed';
import { seedDemoBenchmarksPioneers } from './demo-benchmarks-pioneers.seed';
import { seedDemoComments } from './demo-comments.seed';
import { seedDemoInspections } from './demo-inspections.seed';
import { seedDemoTraining } from './demo-training.seed';
import { seedDemoFieldWork } from './demo-field-work.seed';
import { seedDemoMassEvaluation } from './demo-mass-evaluation.seed';
import { seedDemoReviews } from './demo-reviews.seed';
import type { DemoSeedReport } from './demo-support';

const slices = [
  seedDemoComments,
  seedDemoMassEvaluation,
  seedDemoReviews,
  seedDemoAssessments,
  seedDemoBenchmarksPioneers,
  seedDemoInspections,
  seedDemoTraining,
  seedDemoFieldWork,
];

/** The demo county's running campaign, then each slice's demo data on top of it; idempotent. */
export async function seedEvaluationDemo(databaseUrl: string): Promise<DemoSeedReport[]> {
  const campaign = await seedDemoCampaign(databaseUrl);
  const reports: DemoSeedReport[] = [{ slice: 'campaign', ...campaign }];
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  try {
    const scope = new ScopeService();
    await scope.load(pool);
    const ctx = {
      pool,
      streams: new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'evaluation' })),
      tree: new SqlOrgTreeAdapter(pool, scope),
      campaignId: DEMO_CAMPAIGN_ID,
    };
    for (const slice of slices) reports.push(await slice(ctx));
    return reports;
  } finally {
    await pool.end();
  }
}
