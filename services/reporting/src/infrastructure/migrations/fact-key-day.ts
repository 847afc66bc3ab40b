import type { MigrationInterface, QueryRunner } from 'typeorm';
import { exists, rekey } from './fact-key-organisation';

/**
 * A fact is keyed (event, figure, organisation, day): a county's correction may move a deed to
 * another day in the same village (ADR 0106), out of the day it was filed on and into the new
 * one — two facts of one figure in one organisation, which the old key took as a redelivery and
 * dropped. The rebuild's shadow is re-keyed too, as in 1766000000007. Facts projected before
 * ADR 0106 keep the day the event occurred; `npm run rebuild -- reporting` files them again.
 */
export class ReportingFactKeyHasDay1766000000009 implements MigrationInterface {
  readonly name = 'ReportingFactKeyHasDay1766000000009';
  async up(q: QueryRunner): Promise<void> {
    // One statement per table, the existence check inside it: the migration checksum records the
    // statements `up` sends, and a check answered in TypeScript would leave the new key out of it.
    for (const table of TABLES)
      await q.query(`do $$
        declare c text;
        begin
          if to_regclass('${table}') is null then return; end if;
          select conname into c from pg_constraint where conrelid = '${table}'::regclass and contype = 'p';
          if c is not null then execute format('alter table ${table} drop constraint %I', c); end if;
          alter table ${table} add primary key (event_id, figure, org_id, day);
        end $$`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      if (!(await exists(q, table))) continue;
      // Keeping one side of a deed moved in time would count it twice or nowhere: both go, as a
      // move between organisations does in 1766000000007's down.
      await q.query(`delete from ${table} f where exists (
                       select 1 from ${table} g
                        where g.event_id = f.event_id and g.figure = f.figure and g.org_id = f.org_id and g.day <> f.day)`);
      await rekey(q, table, 'event_id, figure, org_id');
    }
  }
}

const TABLES = ['rpt_fact', 'rpt_fact__rebuild'] as const;
