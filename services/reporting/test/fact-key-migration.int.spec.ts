import { randomUUID } from 'node:crypto';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { ReportingFactKeyHasDay1766000000009 } from '../src/infrastructure/migrations/fact-key-day';
import { ReportingFactKeyHasOrganisation1766000000007 } from '../src/infrastructure/migrations/fact-key-organisation';
import { migrateReporting, queryRunnerOf } from './support/reporting-events';

// Migrations 1766000000007 and 1766000000009 re-key the facts (event, figure, organisation, day),
// on the live table and on a rebuild's shadow if one is there; taking either back drops a moved
// deed from both villages, or both days, rather than leaving one side of it.
describe(`${ReportingFactKeyHasOrganisation1766000000007.name} and ${ReportingFactKeyHasDay1766000000009.name}`, () => {
  let db: TestSchema;
  const sut = new ReportingFactKeyHasOrganisation1766000000007();
  const byDay = new ReportingFactKeyHasDay1766000000009();
  const runner = () => queryRunnerOf(db.pool);
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

  it('down_WhenAnEventCountsInTwoOrganisationsOrOnTwoDays_DropsItFromBothAndRestoresTheOldKey; up_RekeysLiveAndShadow', async () => {
    const moved = randomUUID();
    const kept = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const fact = (event: string, org: string, amount: number, day = '2026-06-01') =>
      db.pool.query(
        `insert into rpt_fact (event_id, figure, event_type, stream_id, org_id, day, occurred_at, amount, weight)
         values ($1, 'deeds', 'assistance.DeedCorrected', 'deed-x', $2, $3, now(), $4, 1)`,
        [event, org, day, amount],
      );
    const movedInTime = randomUUID();
    await fact(movedInTime, a, -1, '2027-01-02');
    await fact(movedInTime, a, 1, '2026-12-20');
    await fact(moved, a, -1);
    await fact(moved, b, 1);
    await fact(kept, a, 1);
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure', 'org_id', 'day']);

    await byDay.down(runner());
    const afterDayDown = await db.pool.query<{ event_id: string }>(`select distinct event_id from rpt_fact`);
    expect(afterDayDown.rows.map((r) => r.event_id).sort()).toEqual([moved, kept].sort());
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure', 'org_id']);
    expect(await keyOf('rpt_fact__rebuild')).toEqual(['event_id', 'figure', 'org_id']);

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

    // Under the day too, one event moves a deed between two days of one village, once however often it is delivered.
    await byDay.up(runner());
    expect(await keyOf('rpt_fact')).toEqual(['event_id', 'figure', 'org_id', 'day']);
    expect(await keyOf('rpt_fact__rebuild')).toEqual(['event_id', 'figure', 'org_id', 'day']);
    await fact(movedInTime, a, -1, '2027-01-02');
    await fact(movedInTime, a, 1, '2026-12-20');
    await db.pool.query(`insert into rpt_fact select * from rpt_fact where event_id = $1 on conflict do nothing`, [movedInTime]);
    const days = await db.pool.query<{ day: string; amount: string }>(
      `select to_char(day, 'YYYY-MM-DD') as day, amount from rpt_fact where event_id = $1 order by day`,
      [movedInTime],
    );
    expect(days.rows).toEqual([
      { day: '2026-12-20', amount: '1' },
      { day: '2027-01-02', amount: '-1' },
    ]);
  });
});
