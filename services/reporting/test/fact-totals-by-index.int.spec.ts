import { randomUUID } from 'node:crypto';
import { createTestSchema, useBuiltInPlannerSettings, type TestSchema } from '@vanguard/testing';
import { ReportingFactTotalsByIndex1766700000132 } from '../src/infrastructure/migrations/fact-totals-by-index';
import { migrateReporting, queryRunnerOf } from './support/reporting-events';

const ORGANISATIONS = 20_000;

// Migration 1766700000132 (ADR 0132): a statement of facts finds its organisations' paths by key,
// never by reading the whole of rpt_org (which the planner chose once the tree was large, hashing
// it, and spilling it to disk past work_mem, for every chunk the consumer wrote), and totals them
// as before: per ancestor, month and figure, once per fact, only for organisations already known.
describe(ReportingFactTotalsByIndex1766700000132.name, () => {
  let db: TestSchema;
  const sut = new ReportingFactTotalsByIndex1766700000132();
  const runner = () => queryRunnerOf(db.pool);
  const province = randomUUID();
  const counties = Array.from({ length: 4 }, () => randomUUID());
  let villages: string[];

  /** Facts for `orgs` (per organisation and figure two in March, one in April) in one statement; rpt_org's sequential scans meanwhile, and the new totals. */
  const insertFacts = async (orgs: readonly string[]) => {
    const c = await db.pool.connect();
    try {
      // The view holds this backend's counts not yet reported, earlier transactions' among them: the difference is this statement's.
      const seqScans = async () =>
        Number(
          (await c.query<{ n: string }>(`select seq_scan as n from pg_stat_xact_user_tables where relid = 'rpt_org'::regclass`)).rows[0]!.n,
        );
      await c.query('begin');
      // Postgres's built-in planner settings, whatever the server's: with a lower random_page_cost the old join, too, probes by key.
      await useBuiltInPlannerSettings(c);
      const before = await seqScans();
      await c.query(
        `insert into rpt_fact (event_id, figure, event_type, stream_id, org_id, day, occurred_at, amount, weight)
         select gen_random_uuid(), f, 'assistance.DeedDone', 'deed-x', o, d, now(), a, w
           from unnest($1::uuid[]) as o, unnest(array['2026-03-02', '2026-03-20', '2026-04-15']::date[]) as d,
                (values ('deeds', 3, 1), ('households_helped', 5, 2)) as v(f, a, w)`,
        [orgs],
      );
      const scanned = (await seqScans()) - before;
      await c.query('commit');
      return scanned;
    } finally {
      c.release();
    }
  };
  /** An organisation's totals per figure and month: [figure, month, amount, weight, n]. */
  const totals = async (anc: string) =>
    (
      await db.pool.query<{ r: string[] }>(
        `select array[figure, to_char(month, 'YYYY-MM'), sum(amount)::text, sum(weight)::text, sum(n)::text] as r
           from rpt_fact_total where anc_id = $1 group by figure, month order by figure, month`,
        [anc],
      )
    ).rows.map((x) => x.r);
  /** What `villages` facts of insertFacts total to: per month two facts in March, one in April, of each figure. */
  const expected = (villages: number) => [
    ['deeds', '2026-03', String(2 * 3 * villages), String(2 * villages), String(2 * villages)],
    ['deeds', '2026-04', String(3 * villages), String(villages), String(villages)],
    ['households_helped', '2026-03', String(2 * 5 * villages), String(2 * 2 * villages), String(2 * villages)],
    ['households_helped', '2026-04', String(5 * villages), String(2 * villages), String(villages)],
  ];

  beforeAll(async () => {
    db = await createTestSchema('reporting_fact_totals_by_index');
    await migrateReporting(db.pool);
    // A tree large enough that hashing rpt_org looked cheaper to the planner than a lookup per organisation.
    villages = Array.from({ length: ORGANISATIONS }, () => randomUUID());
    const orgRow = (id: string, parent: string | null, path: string[], level: string) => [id, parent, `{${path.join(',')}}`, level];
    const rows = [
      orgRow(province, null, [province], 'province'),
      ...counties.map((c) => orgRow(c, province, [province, c], 'county')),
      ...villages.map((v, i) => orgRow(v, counties[i % counties.length]!, [province, counties[i % counties.length]!, v], 'village')),
    ];
    // In chunks, as the consumer writes them: each statement's totals trigger takes a lock per organisation.
    for (let from = 0; from < rows.length; from += 500) {
      const chunk = rows.slice(from, from + 500);
      await db.pool.query(
        `insert into rpt_org (id, parent_id, path, code, name, level, kind, status, merged_into_id, contact_points, version, event_id, occurred_at)
         select id, parent_id, path::uuid[], id::text, id::text, level, 'committee', 'active', null, 0, 1, gen_random_uuid(), now()
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as s(id, parent_id, path, level)`,
        [0, 1, 2, 3].map((k) => chunk.map((r) => r[k])),
      );
    }
    await db.pool.query('analyze rpt_org');
  });
  afterAll(() => db?.drop());

  it('up_FactsOfKnownAndUnknownOrganisations_TotalsEachKnownOnesUnderEveryAncestorWithoutReadingAllOfRptOrg', async () => {
    const some = villages.slice(0, 400);
    const unknown = randomUUID(); // totalled when its organisation arrives, not now
    expect(await insertFacts([...some, unknown])).toBe(0);
    expect(await totals(province)).toEqual(expected(400));
    expect(await totals(counties[0]!)).toEqual(expected(100));
    expect(await totals(some[0]!)).toEqual(expected(1));
    expect(await totals(unknown)).toEqual([]);
  });

  it('down_RestoresTheJoin_WhichReadsAllOfRptOrg; up_AgainLooksUpByKey', async () => {
    await sut.down(runner());
    // The old join, planned for 2,400 facts against 20,000 organisations, reads the whole tree: what this test must tell apart.
    expect(await insertFacts(villages.slice(1000, 1400))).toBeGreaterThan(0);
    await sut.up(runner());
    expect(await insertFacts(villages.slice(2000, 2400))).toBe(0);
    expect(await totals(province)).toEqual(expected(1200));
  });
});
