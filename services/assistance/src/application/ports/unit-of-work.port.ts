import type { DomainEvent } from '../../domain/shared/domain-event';
import type { CommandContext } from './context.port';

export const UNIT_OF_WORK = Symbol('UnitOfWork');

/** Runs SQL: a transaction's `Tx`, or statements outside any transaction (`UnitOfWork.autocommit`). */
export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** SQL inside the command's transaction: the adapters' only way to the database. */
export interface Tx extends Sql {
  /** Writes events to the outbox in this transaction: they reach Kafka if and only if it commits. */
  publish(events: readonly DomainEvent[], ctx: CommandContext): Promise<void>;
}

/**
 * A state change made conditional, as data-modifying CTEs (`name as (…)`, comma-separated, no
 * `with`): `gate` names the last of them, which yields one row if the change applied and none if
 * what it was conditioned on no longer held. Parameters `$1…$n` are `params`.
 */
export interface GuardedWrite {
  readonly ctes: string;
  readonly params: readonly unknown[];
  readonly gate: string;
}

/** Runs `work` in one transaction; a unique-key or check violation surfaces as a DomainError when mapped. */
export interface UnitOfWork {
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Each statement on its own, outside any transaction: a read that takes no lock and sees one snapshot. */
  readonly autocommit: Sql;
  /**
   * `write` and its event's outbox row (numbered on its stream) in ONE statement in autocommit —
   * no BEGIN, no COMMIT: the event is stored if and only if the write applied. True if it did,
   * false if nothing was written. Refusals of the database are mapped as `run` maps them.
   */
  writeIf(write: GuardedWrite, event: DomainEvent, ctx: CommandContext): Promise<boolean>;
}
