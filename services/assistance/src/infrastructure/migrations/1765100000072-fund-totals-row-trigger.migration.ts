import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The disbursement's share of the fund totals (ADR 0071) as a row trigger. Every money command
 * updates one `fund_balances` row; as a statement trigger that update paid for transition tables,
 * a lock loop and a join over them, and took a quarter off the bench's SQL ceiling. The row
 * trigger reads the project's village, takes its shared lock, then adds the change under the
 * village's path in a new statement — the same protocol, fewer steps. Inserts and deletes (a new
 * source, a bulk repair) stay statement triggers. An update that moves a row to another project
 * takes the general path: out of the old project's village, into the new one's.
 */
export class AssistanceFundTotalsRowTrigger1765100000072 implements MigrationInterface {
  readonly name = 'AssistanceFundTotalsRowTrigger1765100000072';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`lock table fund_balances in share row exclusive mode`);
    await q.query(`
      create function fund_totals_balance_updated() returns trigger language plpgsql as $$
      declare
        k int := hashtext(current_schema() || '.fund_totals');
        org uuid;
        was uuid;
        my_slot smallint;
      begin
        select org_id into org from projects where id = new.project_id;
        if old.project_id is distinct from new.project_id then
          select org_id into was from projects where id = old.project_id;
          perform fund_totals_lock(array[org, was], false);
        else
          perform pg_advisory_xact_lock_shared(k, hashtext(org::text));
        end if;
        my_slot := fund_totals_slot();
        insert into fund_totals as t (org_id, slot, projects, budget_fen, allocated_fen, disbursed_fen)
        select a.anc, my_slot, 0, 0, sum(d.allocated), sum(d.disbursed)
          from (values (org, new.allocated_fen - case when old.project_id is distinct from new.project_id then 0 else old.allocated_fen end,
                             new.disbursed_fen - case when old.project_id is distinct from new.project_id then 0 else old.disbursed_fen end),
                       (case when old.project_id is distinct from new.project_id then was end, -old.allocated_fen, -old.disbursed_fen))
               as d(org_id, allocated, disbursed)
          join roster_organizations o on o.id = d.org_id cross join unnest(o.path) as a(anc)
         group by a.anc order by a.anc
        on conflict (org_id, slot) do update
          set allocated_fen = t.allocated_fen + excluded.allocated_fen, disbursed_fen = t.disbursed_fen + excluded.disbursed_fen;
        return null;
      end $$`);
    await q.query(`drop trigger fund_totals_balances_update on fund_balances`);
    await q.query(`
      create trigger fund_totals_balance_updated after update on fund_balances for each row
      when (old.allocated_fen is distinct from new.allocated_fen or old.disbursed_fen is distinct from new.disbursed_fen
            or old.project_id is distinct from new.project_id)
      execute function fund_totals_balance_updated()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger if exists fund_totals_balance_updated on fund_balances`);
    await q.query(`drop function if exists fund_totals_balance_updated()`);
    await q.query(`create trigger fund_totals_balances_update after update on fund_balances
      referencing old table as old_balances new table as new_balances for each statement execute function fund_totals_balances()`);
  }
}
