import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { campaignStream } from '@vanguard/evaluation-domain';
import { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { evaluationConfig } from '../src/evaluation.config';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { CAMPAIGN_OF_CYCLE_SQL, SqlCycleDirectory } from '../src/infrastructure/event-store/sql-cycle-directory';
import { prepareEvaluationTestDatabase } from './support/evaluation-test-app';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The directory a leader's comment asks which campaign plans its cycle (ADR 0138), on the real store. */
describe(SqlCycleDirectory.name, () => {
  let pool: Pool;
  let directory: SqlCycleDirectory;
  const context = { actor: { sub: 'organizer', roles: ['organizer'], kind: 'user' as const }, orgId: randomUUID(), correlationId: 'c' };

  /** A campaign over a fresh root with the cycles planned (the first opened). */
  async function campaignPlanning(...cycleIds: string[]): Promise<string> {
    const campaignId = randomUUID();
    const streams = new PostgresStreamsAdapter(new PostgresEventStore(pool, { schema: 'evaluation' }));
    const phase = (phase: string, startsOn: string, endsOn: string) => ({ phase, startsOn, endsOn });
    await streams.append(
      campaignStream(campaignId),
      [
        {
          type: 'evaluation.CampaignLaunched',
          data: {
            campaignId,
            orgId: context.orgId,
            name: '创先争优',
            phases: [
              phase('mobilise', '2011-01-01', '2011-03-31'),
              phase('compete', '2011-04-01', '2011-09-30'),
              phase('benchmark_upgrade', '2011-10-01', '2011-11-30'),
              phase('summarise', '2011-12-01', '2011-12-31'),
            ],
          },
        },
        ...cycleIds.map((cycleId, i) => ({
          type: 'evaluation.CyclePlanned',
          data: {
            campaignId,
            cycleId,
            quarter: `2011-Q${i + 1}`,
            startsOn: '2011-04-01',
            endsOn: '2011-06-30',
            themes: { default: '一季一主题', bySector: {} },
          },
        })),
        { type: 'evaluation.CycleOpened', data: { campaignId, cycleId: cycleIds[0] } },
      ],
      0,
      context,
    );
    return campaignId;
  }

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
    directory = new SqlCycleDirectory(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('names the campaign that planned a cycle, opened or only planned, and none for a cycle no campaign plans', async () => {
    const [opened, planned, elsewhere] = [randomUUID(), randomUUID(), randomUUID()];
    const campaignId = await campaignPlanning(opened, planned);
    const other = await campaignPlanning(elsewhere);
    expect(await directory.campaignOf(opened)).toBe(campaignId);
    expect(await directory.campaignOf(planned)).toBe(campaignId);
    expect(await directory.campaignOf(elsewhere)).toBe(other);
    expect(await directory.campaignOf(randomUUID())).toBeNull();
    // A campaign's own id is not a cycle of it.
    expect(await directory.campaignOf(campaignId)).toBeNull();
  });

  it('finds a cycle by the index over the CyclePlanned rows, never by reading the store (the cost of a miss; ADR 0138)', async () => {
    // Sequential scans off: on a small, freshly analysed table the planner may prefer one, and the
    // question is whether the index serves the query at all (nothing else can serve its expression).
    const c = await pool.connect();
    let rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
    try {
      await c.query('begin');
      await c.query('set local enable_seqscan = off');
      rows = (await c.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${CAMPAIGN_OF_CYCLE_SQL}`, [randomUUID()])).rows;
      await c.query('rollback');
    } finally {
      c.release();
    }
    const nodes = nodesOf(rows[0]!['QUERY PLAN'][0].Plan);
    // With the index, one scan of it, and no other relation read.
    expect(
      nodes.filter((n) => n['Relation Name'] !== undefined).map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}`),
    ).toEqual([expect.stringMatching(/^(Index|Bitmap Heap) Scan|^Index Only Scan/)]);
    expect(JSON.stringify(rows[0]!['QUERY PLAN'])).toContain('events_cycle_planned_idx');
  });
});
