import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recounts `projects.allocated_fen` from `fund_balances` with both tables locked (ADR 0061).
 * AssistanceBudgetGuard1765100000061 summed the allocations before its triggers existed and
 * without locking fund_balances: a writer that changed a source's allocation in between (one that
 * does not touch the project row) was counted by neither, and the guard would be off by that much
 * for good. SHARE ROW EXCLUSIVE lets readers on and keeps every writer out until the sum is right.
 */
export class AssistanceBudgetGuardRecount1765100000062 implements MigrationInterface {
  readonly name = 'AssistanceBudgetGuardRecount1765100000062';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`lock table fund_balances, projects in share row exclusive mode`);
    // The sum is the triggers' alone; this one statement writes it as they would have.
    await q.query(`alter table projects disable trigger projects_allocated_fen_by_trigger_only`);
    await q.query(`
      update projects p set allocated_fen = s.total
        from (select p2.id, coalesce(sum(b.allocated_fen), 0) as total
                from projects p2 left join fund_balances b on b.project_id = p2.id
               group by p2.id) s
       where s.id = p.id and p.allocated_fen <> s.total`);
    await q.query(`alter table projects enable trigger projects_allocated_fen_by_trigger_only`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the recount only made the sum what the triggers keep.
  }
}
