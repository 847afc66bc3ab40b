import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database's guard on a project's budget (ADR 0061): `projects.allocated_fen` is the sum of
 * its sources' `fund_balances.allocated_fen`, kept by triggers, and a check holds it within
 * `budget_fen`. Until now only the domain's rule (read under the project's row lock) guarded the
 * budget, so a writer that skipped the lock could allocate past it. The sum lives on the project
 * row because racing writers must take turns on one row: each trigger's `update projects` waits
 * for the writer before it and adds to what that one committed (a check summing fund_balances
 * would read a snapshot without the other writer's uncommitted row, at any isolation level).
 * Disbursements cannot pass the budget either: each source's check keeps disbursed within
 * allocated. Only the fund_balances triggers may change the sum.
 */
export class AssistanceBudgetGuard1765100000061 implements MigrationInterface {
  readonly name = 'AssistanceBudgetGuard1765100000061';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table projects add column allocated_fen bigint not null default 0`);
    await q.query(`
      update projects p set allocated_fen = b.total
        from (select project_id, sum(allocated_fen) as total from fund_balances group by project_id) b
       where b.project_id = p.id`);
    // Fails the migration, naming the constraint, if some project is already over its budget.
    await q.query(`
      alter table projects add constraint project_allocations_within_budget
        check (allocated_fen >= 0 and allocated_fen <= budget_fen)`);
    await q.query(`
      create function fund_balances_sum_allocations() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          update projects set allocated_fen = allocated_fen - old.allocated_fen where id = old.project_id;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          update projects set allocated_fen = allocated_fen + new.allocated_fen where id = new.project_id;
        end if;
        return null;
      end $$`);
    await q.query(`
      create trigger fund_balances_sum_allocations after insert or delete on fund_balances
      for each row execute function fund_balances_sum_allocations()`);
    // A disbursement rewrites allocated_fen unchanged: it costs the project row nothing.
    await q.query(`
      create trigger fund_balances_sum_allocations_update after update of allocated_fen, project_id on fund_balances
      for each row when (old.allocated_fen is distinct from new.allocated_fen or old.project_id is distinct from new.project_id)
      execute function fund_balances_sum_allocations()`);
    await q.query(`
      create function projects_allocated_fen_by_trigger_only() returns trigger language plpgsql as $$
      begin
        raise exception 'projects.allocated_fen is the sum of fund_balances: write fund_balances instead' using errcode = 'P0001';
      end $$`);
    // Depth 0 is a statement of its own; the sum's own update runs at depth 1, inside the fund_balances trigger.
    await q.query(`
      create trigger projects_allocated_fen_by_trigger_only before update of allocated_fen on projects
      for each row when (pg_trigger_depth() = 0 and old.allocated_fen is distinct from new.allocated_fen)
      execute function projects_allocated_fen_by_trigger_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger if exists projects_allocated_fen_by_trigger_only on projects`);
    await q.query(`drop trigger if exists fund_balances_sum_allocations_update on fund_balances`);
    await q.query(`drop trigger if exists fund_balances_sum_allocations on fund_balances`);
    await q.query(`drop function if exists projects_allocated_fen_by_trigger_only()`);
    await q.query(`drop function if exists fund_balances_sum_allocations()`);
    await q.query(`alter table projects drop column if exists allocated_fen`);
  }
}
