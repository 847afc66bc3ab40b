import type { DomainEvent } from '../../domain/shared/domain-event';
import type { CommandContext } from './context.port';

export const UNIT_OF_WORK = Symbol('UnitOfWork');

/** SQL inside the command's transaction: the adapters' only way to the database. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Writes events to the outbox in this transaction: they reach Kafka if and only if it commits. */
  publish(events: readonly DomainEvent[], ctx: CommandContext): Promise<void>;
}

/** Runs `work` in one transaction; a unique-key or check violation surfaces as a DomainError when mapped. */
export interface UnitOfWork {
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}
