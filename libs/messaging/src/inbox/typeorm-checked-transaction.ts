import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { CommitRolledBackError, transactionAborted } from './inbox.port';

/**
 * Like `dataSource.transaction`, which commits without looking at the answer: Postgres
 * answers COMMIT of an aborted transaction block with ROLLBACK and raises nothing, and
 * TypeORM's query runner does not pass that answer on. So the runner asks first: one
 * statement before COMMIT fails (25P02) exactly when COMMIT would roll back, and then the
 * transaction is rolled back and CommitRolledBackError thrown instead of a false success.
 * `work` says whether to commit; `aborted` is the connection's last known status.
 */
export async function checkedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, aborted: () => boolean) => Promise<{ commit: boolean; result: T }>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as { getTransactionStatus?(): string | null };
    const aborted = () => transactionAborted(connection);
    await runner.startTransaction();
    try {
      const { commit, result } = await work(runner.manager, aborted);
      if (!commit) {
        await runner.rollbackTransaction();
        return result;
      }
      if (await commitWouldRollBack(runner, aborted)) throw new CommitRolledBackError();
      await runner.commitTransaction();
      return result;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // A later statement met the abort an earlier statement's caller swallowed before the
      // connection's status showed it: the transaction would have rolled back all the same.
      if ((e as { driverError?: { code?: string } }).driverError?.code === '25P02') throw new CommitRolledBackError();
      throw e;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Whether the transaction is aborted, so that COMMIT would answer ROLLBACK. The status the
 * connection last saw can lag: pg settles a failed query on the error, before the server's
 * ReadyForQuery with the new status arrives. A statement's own answer cannot lag.
 */
async function commitWouldRollBack(runner: QueryRunner, aborted: () => boolean): Promise<boolean> {
  if (aborted()) return true;
  try {
    await runner.query('select 1');
    return false;
  } catch (e) {
    if ((e as { driverError?: { code?: string } }).driverError?.code === '25P02') return true;
    throw e;
  }
}
