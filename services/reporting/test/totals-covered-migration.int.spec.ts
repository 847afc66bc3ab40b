import { randomUUID } from 'node:crypto';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { ReportingTotalsCovered1766700000131 } from '../src/infrastructure/migrations/totals-covered';
import { migrateReporting, queryRunnerOf } from './support/reporting-events';

/** A dashboard's read of one organisation's totals for a year, as the read models write it. */
const TOTALS_OF_ONE = `select figure, sum(amount) as amount, sum(weight) as weight, sum(n) as n from rpt_fact_total
                        where anc_id = $1 and month >= '2026-01-01' and month < '2027-01-01' group by figure`;

// Migration 1766700000131 (ADR 0131): the totals' primary key carries the summed columns, so a
// dashboard reads an organisation's totals from the index alone; a rebuild's shadow, made `like`
// the live table before or after the migration, ends with the same key; taking it back restores the plain key.
describe(ReportingTotalsCovered1766700000131.name, () => {
  let db: TestSchema;
  const sut = new ReportingTotalsCovered1766700000131();
  const runner = () => queryRunnerOf(db.pool);
  /** The primary key's key columns and its included ones, in order. */
  const keyOf = async (table: string) => {
    const { rows } = await db.pool.query<{ col: string; included: boolean }>(
      `select a.attname as col, k.ord > i.indnkeyatts as included
         from pg_index i cross join unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = $1::regclass and i.indisprimary order by k.ord`,
      [table],
    );
    return { key: rows.filter((r) => !r.included).map((r) => r.col), included: rows.filter((r) => r.included).map((r) => r.col) };
  };
  /** The plan's node types for TOTALS_OF_ONE, with the heap's scans ruled out so only the index's coverage decides. */
  const scanOf = async (org: string) => {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query('set local enable_seqscan = off');
      await c.query('set local enable_bitmapscan = off');
      const { rows } = await c.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${TOTALS_OF_ONE}`, [org]);
      await c.query('rollback');
      return JSON.stringify(rows[0]!['QUERY PLAN']).match(/"Node Type":"[^"]*Scan[^"]*"/g);
    } finally {
      c.release();
    }
  };
  const PLAIN = { key: ['anc_id', 'month', 'figure', 'slot'], included: [] };
  const COVERED = { key: ['anc_id', 'month', 'figure', 'slot'], included: ['amount', 'weight', 'n'] };

  beforeAll(async () => {
    db = await createTestSchema('reporting_totals_covered');
    await migrateReporting(db.pool);
  });
  afterAll(() => db?.drop());

  it('up_LiveAndShadow_KeyCarriesTheSums_AndAnOrganisationsTotalsAreReadFromTheIndexAlone; down_RestoresThePlainKey', async () => {
    expect(await keyOf('rpt_fact_total')).toEqual(COVERED);
    // A shadow made during a rebuild copies the live key.
    await db.pool.query(`create table rpt_fact_total__rebuild (like rpt_fact_total including all)`);
    expect(await keyOf('rpt_fact_total__rebuild')).toEqual(COVERED);

    const org = randomUUID();
    await db.pool.query(
      `insert into rpt_fact_total (anc_id, month, figure, slot, amount, weight, n)
       select $1, m::date, f, s, 1, 2, 1
         from generate_series('2026-01-01'::date, '2026-12-01', '1 month') m, unnest(array['deeds', 'pledges_made']) f, generate_series(0, 2) s`,
      [org],
    );
    // Upserts on the covered key add to the row they meet, as the totals' triggers do.
    await db.pool.query(
      `insert into rpt_fact_total as t values ($1, '2026-03-01', 'deeds', 0, 5, 7, 1)
       on conflict (anc_id, month, figure, slot) do update set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n`,
      [org],
    );
    await db.pool.query('vacuum analyze rpt_fact_total');
    expect(await scanOf(org)).toEqual(['"Node Type":"Index Only Scan"']);
    const { rows } = await db.pool.query<{ figure: string; amount: string; weight: string; n: string }>(
      `${TOTALS_OF_ONE} order by figure`,
      [org],
    );
    expect(rows.map((r) => [r.figure, r.amount, r.weight, r.n])).toEqual([
      ['deeds', String(36 + 5), String(72 + 7), String(36 + 1)],
      ['pledges_made', '36', '72', '36'],
    ]);

    await sut.down(runner());
    expect(await keyOf('rpt_fact_total')).toEqual(PLAIN);
    expect(await keyOf('rpt_fact_total__rebuild')).toEqual(PLAIN);
    await db.pool.query('vacuum analyze rpt_fact_total');
    expect(await scanOf(org)).toEqual(['"Node Type":"Index Scan"']);

    await sut.up(runner());
    expect(await keyOf('rpt_fact_total')).toEqual(COVERED);
    expect(await keyOf('rpt_fact_total__rebuild')).toEqual(COVERED);
  });
});
