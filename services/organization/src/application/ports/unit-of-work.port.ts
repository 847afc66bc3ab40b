export const UNIT_OF_WORK = Symbol('UnitOfWork');

/** Runs `work` in one database transaction: repositories and the outbox called inside it share it. */
export interface UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T>;
}
