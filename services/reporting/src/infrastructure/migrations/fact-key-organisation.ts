import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fact is keyed (event, figure, organisation): one event may count in two organisations — a
 * deed a county moved to another village leaves the first and counts in the second
 * (`assistance.DeedCorrected`). Under (event, figure) the second row was a conflict and dropped.
 *
 * The rebuild's shadow (`rpt_fact__rebuild`, a copy of the live table with its key) is re-keyed
 * too when one exists: a rebuild running across this migration would otherwise swap a table with
 * the old key in. Moves projected before this migration counted nowhere; their events are in the
 * inbox and are not delivered again, so a rebuild recounts them (`npm run rebuild -- reporting`).
 * The constraint is found by its kind, not its name: the rebuild's swap renames indexes.
 */
export class ReportingFactKeyHasOrganisation1766000000007 implements MigrationInterface {
  readonly name = 'ReportingFactKeyHasOrganisation1766000000007';
  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await rekey(q, table, 'event_id, figure, org_id');
  }
  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      if (!(await exists(q, table))) continue;
      // An event counted in two organisations (a moved deed) cannot stay under the old key, and
      // keeping either side alone would count the deed twice or nowhere: it goes from both, as
      // before this migration (the delete trigger takes it out of the totals too).
      await q.query(`delete from ${table} f where exists (
                       select 1 from ${table} g where g.event_id = f.event_id and g.figure = f.figure and g.org_id <> f.org_id)`);
      await rekey(q, table, 'event_id, figure');
    }
  }
}

const TABLES = ['rpt_fact', 'rpt_fact__rebuild'] as const;

export async function exists(q: QueryRunner, table: string): Promise<boolean> {
  // TypeORM's runner answers with the rows; the tests' runner (as pg does) with the result.
  const r = (await q.query(`select to_regclass($1) is not null as ok`, [table])) as { ok: boolean }[] | { rows: { ok: boolean }[] };
  return (Array.isArray(r) ? r : r.rows)[0]?.ok === true;
}

export async function rekey(q: QueryRunner, table: string, columns: string): Promise<void> {
  if (!(await exists(q, table))) return;
  await q.query(`do $$
    declare c text;
    begin
      select conname into c from pg_constraint where conrelid = '${table}'::regclass and contype = 'p';
      if c is not null then execute format('alter table ${table} drop constraint %I', c); end if;
    end $$`);
  await q.query(`alter table ${table} add primary key (${columns})`);
}
