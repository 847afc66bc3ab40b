import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The primary key `(anc_id, month, figure, slot)`, `include`-ing `included`, on the live totals
 * and, when a rebuild is under way, its shadow (made `like` the live table, ADR 0024). One
 * statement decided in Postgres: the migration's checksum covers all it does.
 */
const primaryKeyIncluding = (included: string) => `
  do $$
  declare
    t text;
    pk text;
  begin
    foreach t in array array['rpt_fact_total', 'rpt_fact_total__rebuild'] loop
      select c.conname into pk from pg_constraint c
       where c.conrelid = to_regclass(quote_ident(current_schema()) || '.' || t) and c.contype = 'p';
      if pk is not null then
        execute format('alter table %I drop constraint %I, add constraint %I primary key (anc_id, month, figure, slot)${included ? ` include (${included})` : ''}', t, pk, pk);
      end if;
    end loop;
  end $$`;

/**
 * A dashboard reads an organisation's totals for a period, one organisation's rows after another
 * (ADR 0131): the primary key carries the summed columns, so those rows come from the index's
 * consecutive leaf pages instead of one heap page each, where the consumer's arrival order left
 * them. A rebuild's shadow, made `like` this table, gets the same key.
 */
export class ReportingTotalsCovered1766700000131 implements MigrationInterface {
  readonly name = 'ReportingTotalsCovered1766700000131';
  async up(q: QueryRunner): Promise<void> {
    await q.query(primaryKeyIncluding('amount, weight, n'));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(primaryKeyIncluding(''));
  }
}
