import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { commentDecider, massEvaluationDecider } from '@vanguard/evaluation-domain';
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

  it('records a closed, published window whose tally is what the box holds, its problems as findings, and adds nothing the second time', async () => {
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
      version: 4, // opened, codes issued, closed, published
      tally: { satisfied: 50, basicallySatisfied: 5, dissatisfied: 2 },
      rate: 965,
    });
    // The problems raised became findings (ADR 0031): the clinic's hours done on time, the water main still open.
    const findings = await streams.load(`comment-${WINDOW_ID}`, commentDecider);
    expect(findings.state.findings.map((f) => [f.deadline, f.done])).toEqual([
      ['2011-06-30', true],
      ['2011-09-30', false],
    ]);
    const box = await pool.query(`select count(*)::int as n from mass_evaluation_ballot where window_id = $1`, [WINDOW_ID]);
    expect(box.rows[0].n).toBe(57);
  });
});
