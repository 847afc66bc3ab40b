import { Injectable } from '@nestjs/common';
import type { FundSource } from '@vanguard/contracts';
import type { Actor } from '../../application/ports/context.port';
import type { FundRepository } from '../../application/ports/repositories.port';
import type { GuardedWrite, Sql, Tx } from '../../application/ports/unit-of-work.port';
import type { FundMovement, SourceBalance } from '../../domain/funds/fund-ledger';
import type { Project } from '../../domain/project/project';

@Injectable()
export class PgFundRepository implements FundRepository {
  async movement(db: Sql, projectId: string, movementId: string): Promise<FundMovement | null> {
    const [r] = await db.query<{
      id: string;
      source: FundSource;
      kind: FundMovement['kind'];
      amount_fen: string;
      on_day: string;
      purpose: string | null;
      reverses_id: string | null;
      reversed: boolean;
    }>(
      `select m.id, m.source, m.kind, m.amount_fen, m.on_day::text, m.purpose, m.reverses_id,
              exists (select 1 from fund_movements r where r.reverses_id = m.id) as reversed
         from fund_movements m where m.id = $1 and m.project_id = $2`,
      [movementId, projectId],
    );
    return r
      ? {
          id: r.id,
          projectId,
          source: r.source,
          kind: r.kind,
          amountFen: Number(r.amount_fen),
          on: r.on_day,
          purpose: r.purpose,
          reversesId: r.reverses_id,
          reversed: r.reversed,
        }
      : null;
  }

  /** The balance and the entry in one statement (one round trip); a refusal still names its constraint. */
  async record(tx: Tx, m: FundMovement, b: SourceBalance, by: Actor, at: Date): Promise<void> {
    await tx.query(
      `with balance as (
         insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($2, $14, $12, $13)
         on conflict (project_id, source) do update set allocated_fen = excluded.allocated_fen, disbursed_fen = excluded.disbursed_fen)
       insert into fund_movements (id, project_id, source, kind, amount_fen, on_day, purpose, reverses_id, balance_after_fen, recorded_at, recorded_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        m.id,
        m.projectId,
        m.source,
        m.kind,
        m.amountFen,
        m.on,
        m.purpose,
        m.reversesId,
        b.allocatedFen - b.disbursedFen,
        at,
        by.sub,
        b.allocatedFen,
        b.disbursedFen,
        b.source,
      ],
    );
  }

  /**
   * `record` as one guarded statement, for a decision taken on `seen` without a lock. It applies
   * only if nothing that decision read has changed since:
   * - the project row, taken `for update` as the locked path takes it: its status, budget and
   *   allocations (`projects.allocated_fen`, the sum of every source's, kept by the ADR 0061
   *   triggers) must be those seen. A writer holding the row makes the statement wait, and Postgres
   *   re-checks the condition on the row it committed (READ COMMITTED), so a lifecycle step or a
   *   locked money command that came between is never missed;
   * - the source's balance, updated only if it still holds the values seen (re-checked the same
   *   way on its newest version), or inserted only if there still is none.
   * The entry is inserted from the balance's returned row, so all or nothing is written; `gate`
   * yields its row. Triggers (the budget's sum, the fund totals) fire as for `record`.
   */
  recordIfUnchanged(
    seen: { project: Project; balances: readonly SourceBalance[] },
    m: FundMovement,
    b: SourceBalance,
    by: Actor,
    at: Date,
  ): GuardedWrite {
    const before = seen.balances.find((x) => x.source === b.source);
    const allocated = seen.balances.reduce((n, x) => n + x.allocatedFen, 0);
    const balance = before
      ? `update fund_balances f set allocated_fen = $8, disbursed_fen = $9 from guard g
          where f.project_id = g.id and f.source = $5 and f.allocated_fen = $6 and f.disbursed_fen = $7
         returning f.project_id`
      : `insert into fund_balances (project_id, source, allocated_fen, disbursed_fen)
         select g.id, $5, $8::bigint, $9::bigint from guard g where $6::bigint is null and $7::bigint is null
         on conflict (project_id, source) do nothing
         returning project_id`;
    return {
      ctes: `guard as (
          select id from projects where id = $1 and status = $2 and budget_fen = $3 and allocated_fen = $4 for update),
        balance as (${balance}),
        entry as (
          insert into fund_movements (id, project_id, source, kind, amount_fen, on_day, purpose, reverses_id, balance_after_fen, recorded_at, recorded_by)
          select $10::uuid, n.project_id, $5, $11, $12::bigint, $13::date, $14, $15::uuid, $16::bigint, $17::timestamptz, $18 from balance n
          returning id)`,
      params: [
        seen.project.id,
        seen.project.status,
        seen.project.budgetFen,
        allocated,
        b.source,
        before?.allocatedFen ?? null,
        before?.disbursedFen ?? null,
        b.allocatedFen,
        b.disbursedFen,
        m.id,
        m.kind,
        m.amountFen,
        m.on,
        m.purpose,
        m.reversesId,
        b.allocatedFen - b.disbursedFen,
        at,
        by.sub,
      ],
      gate: 'entry',
    };
  }
}
