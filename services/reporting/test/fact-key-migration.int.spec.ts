import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { ReportingFactKeyHasOrganisation1766000000007 } from '../src/infrastructure/migrations/fact-key-organisation';
import { migrateReporting } from './support/reporting-events';

// Migration 1766000000007 re-keys the facts (event, figure, organisation), on the live table and
// on a rebuild's shadow if one is there; taking it back drops a moved deed from both villages
// rather than leaving one side of it.
describe(ReportingFactKeyHasOrganisation1766000000007.name, () => {
  let db: TestSchema;
  const sut = new ReportingFactKeyHasOrganisation1766000000007();
  const runner = () =>
    ({
      query: async (sql: string, values?: unknown[]) => (await db.pool.query<Record<string, unknown>>(sql, values)).rows,
    }) as unknown as QueryRunner;
  const keyOf = async (table: string) =>
    (
      await db.pool.query<{ col: string }>(
        `select a.attname as col from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
          where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
        [table],
      )
    ).rows.map((r) => r.col);

  beforeAll(async () => {
    db = await createTestSchema('reporting_fact_key');
    await migrateReporting(db.pool);
    await db.pool.query(`create table rpt_fact__rebuild (like rpt_fact including all)`);
  });
  afterAll(() => db?.drop());

  it('down_WhenAnEventCountsInTwoOrganisations_DropsItFromBothAndRestoresTheOldKey; up_RekeysLiveAndShadow', async () => {
    const moved = randomUUID();
    const kept = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const fact = (event: string, org: string, amount: number) =>
      db.pool.query(
        `insert into rpt_fact (event_id, figure, event_type, stream_id, org_id, day, occurred_at, amount, weight)
         values ($1, 'deeds', 'assistance.DeedCorrected', 'deed-x', $2, '2026-06-01', now(), $3, 1)`,
        [event, org, amount],
      );
    await fact(moved, a, -1);
    await fact(moved, b, 1);
    await fact(kept, a, 1);
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure', 'org_id']);

    await sut.down(runner());
    const left = await db.pool.query<{ event_id: string }>(`select event_id from rpt_fact`);
    expect(left.rows.map((r) => r.event_id)).toEqual([kept]);
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure']);
    expect(await keyOf('rpt_fact__rebuild')).toEqual(['event_id', 'figure']);

    await sut.up(runner());
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure', 'org_id']);
    expect(await keyOf('rpt_fact__rebuild')).toEqual(['event_id', 'figure', 'org_id']);
    // Under the new key one event counts in two organisations, and a second delivery of either row changes nothing.
    await fact(moved, a, -1);
    await fact(moved, b, 1);
    await db.pool.query(`insert into rpt_fact select * from rpt_fact where event_id = $1 on conflict do nothing`, [moved]);
    const rows = await db.pool.query<{ org_id: string; amount: string }>(
      `select org_id, amount from rpt_fact where event_id = $1 order by amount`,
      [moved],
    );
    expect(rows.rows).toEqual([
      { org_id: a, amount: '-1' },
      { org_id: b, amount: '1' },
    ]);
  });
});
