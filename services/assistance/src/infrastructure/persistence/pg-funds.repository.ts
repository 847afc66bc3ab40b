import { Injectable } from '@nestjs/common';
import type { FundSource } from '@vanguard/contracts';
import type { Actor } from '../../application/ports/context.port';
import type { FundRepository } from '../../application/ports/repositories.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { FundMovement, SourceBalance } from '../../domain/funds/fund-ledger';

@Injectable()
export class PgFundRepository implements FundRepository {
  async movement(tx: Tx, projectId: string, movementId: string): Promise<FundMovement | null> {
    const [r] = await tx.query<{
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
}
