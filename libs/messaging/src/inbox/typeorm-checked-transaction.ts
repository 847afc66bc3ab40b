import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { mayCommit } from '../commit-watch';
import { CommitRolledBackError, transactionAborted } from './inbox.port';

/** The pg client under a TypeORM query runner: its answers carry the command tag TypeORM drops. */
interface PgConnection {
  getTransactionStatus?(): string | null;
  query(sql: string): Promise<{ command?: string }>;
}

/**
 * Like `dataSource.transaction`, which commits without looking at the answer: Postgres
 * answers COMMIT of an aborted transaction block with ROLLBACK and raises nothing, and
 * TypeORM's query runner does not pass that answer on. So COMMIT goes to the runner's pg
 * client itself, whose result names the command Postgres carried out: ROLLBACK there is a
 * CommitRolledBackError instead of a false success. Reading the answer costs no round trip;
 * the statement this once asked before COMMIT (`select 1`, failing with 25P02 exactly when
 * COMMIT would roll back) cost every transaction one.
 * `work` says whether to commit; `aborted` is the connection's last known status.
 * TypeORM's own commit is not called, so its transaction-commit subscriber hooks
 * (`beforeTransactionCommit`, `afterTransactionCommit`) do not fire here: none exists in
 * Vanguard, and one added to a data source using this would have to be called by it.
 */
export async function checkedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, aborted: () => boolean) => Promise<{ commit: boolean; result: T }>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as PgConnection;
    const aborted = () => transactionAborted(connection);
    await runner.startTransaction();
    // Whether the transaction block may still be open on the connection, so that a failure rolls it back.
    let open = true;
    try {
      const { commit, result } = await work(runner.manager, aborted);
      if (!commit) {
        open = false;
        await runner.rollbackTransaction();
        return result;
      }
      // Known aborted already: no need to send COMMIT to learn it.
      if (aborted()) throw new CommitRolledBackError();
      // Raised as TypeORM raises a failed COMMIT (a deferred constraint's violation keeps its name).
      // Watched (ADR 0072): a keyed request that fails later may be sent again only if no COMMIT of it may have taken.
      const answer = await mayCommit(
        () => connection.query('COMMIT'),
        (a) => a.command === 'COMMIT',
      ).catch((e: Error) => {
        throw new QueryFailedError('COMMIT', undefined, e);
      });
      open = false;
      if (answer.command !== 'COMMIT') throw new CommitRolledBackError();
      return result;
    } catch (e) {
      if (open) await runner.rollbackTransaction().catch(() => undefined);
      // A later statement met the abort an earlier statement's caller swallowed before the
      // connection's status showed it: the transaction would have rolled back all the same.
      if ((e as { driverError?: { code?: string } }).driverError?.code === '25P02') throw new CommitRolledBackError();
      throw e;
    }
  } finally {
    await runner.release();
  }
}
