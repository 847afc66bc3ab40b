import type { ClientBase } from 'pg';

/**
 * `work` under a savepoint of the transaction on `client`: released when it succeeds, rolled back
 * to when it fails (its error rethrown), so a failed step leaves the transaction usable.
 */
export async function inSavepoint<T>(client: ClientBase, name: string, work: () => Promise<T>): Promise<T> {
  await client.query(`savepoint ${name}`);
  try {
    const done = await work();
    await client.query(`release savepoint ${name}`);
    return done;
  } catch (e) {
    await client.query(`rollback to savepoint ${name}`);
    throw e;
  }
}
