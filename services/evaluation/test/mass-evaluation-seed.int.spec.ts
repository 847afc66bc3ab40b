import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { massEvaluationDecider } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { seedDemoMassEvaluation } from '../src/infrastructure/seed/demo-mass-evaluation.seed';
import { demoId } from '../src/infrastructure/seed/demo-support';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

const WINDOW_ID = demoId(20_000_000);

describe('demo mass evaluation seed (integration)', () => {
  let pool: Pool;
  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    pool = new Pool({ connectionString: serviceDatabaseUrl('evaluation', infraConfig().testDatabaseUrl), max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('records a closed, published window whose tally is what the box holds, and adds nothing the second time', async () => {
    const scope = new ScopeService();
    await scope.load(pool);
    const streams = new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'evaluation' }));
    const ctx = { pool, streams, tree: new SqlOrgTreeAdapter(pool, scope), campaignId: demoId(1) };
    await seedDemoMassEvaluation(ctx);
    const again = await seedDemoMassEvaluation(ctx);
    expect(again).toEqual({ slice: 'mass-evaluation', created: false, events: 0 });
    const { state, version } = await streams.load(`mass-evaluation-${WINDOW_ID}`, massEvaluationDecider);
    expect({ status: state.status, version, tally: state.tally, rate: state.satisfactionPermille }).toEqual({
      status: 'published',
      version: 3,
      tally: { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 },
      rate: 965,
    });
    const box = await pool.query(`select count(*)::int as n from mass_evaluation_ballot where window_id = $1`, [WINDOW_ID]);
    expect(box.rows[0].n).toBe(57);
  });
});
