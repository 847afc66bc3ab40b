import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A fact is keyed (event, figure, organisation): one event may count in two organisations — a
 * deed a county moved to another village leaves the first and counts in the second
 * (`assistance.DeedCorrected`). Under (event, figure) the second row was a conflict and dropped.
 * The constraint is found by its kind, not its name: a rebuild's swap renames the live table's
 * indexes, and a name written here could be stale.
 */
export class ReportingFactKeyHasOrganisation1766000000007 implements MigrationInterface {
  readonly name = 'ReportingFactKeyHasOrganisation1766000000007';
  async up(q: QueryRunner): Promise<void> {
    await this.key(q, 'event_id, figure, org_id');
  }
  async down(q: QueryRunner): Promise<void> {
    // Facts in a second organisation for one (event, figure) cannot stay under the old key.
    await q.query(`delete from rpt_fact f using rpt_fact g
                    where g.event_id = f.event_id and g.figure = f.figure and g.org_id < f.org_id`);
    await this.key(q, 'event_id, figure');
  }
  private async key(q: QueryRunner, columns: string): Promise<void> {
    await q.query(`do $$
      declare c text;
      begin
        select conname into c from pg_constraint where conrelid = 'rpt_fact'::regclass and contype = 'p';
        if c is not null then execute format('alter table rpt_fact drop constraint %I', c); end if;
      end $$`);
    await q.query(`alter table rpt_fact add primary key (${columns})`);
  }
}
