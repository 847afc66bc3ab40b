import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { checkedTransaction, CommitRolledBackError, mayHaveCommitted, newCommitWatch, watchingCommits } from '../src';

// Postgres answers COMMIT of an aborted transaction block with ROLLBACK and raises nothing;
// TypeORM's query runner drops that answer, so checkedTransaction reads it off the pg client.
describe(checkedTransaction.name, () => {
  let db: TestSchema;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestSchema('checked_tx');
    dataSource = new DataSource({ type: 'postgres', url: db.url, schema: db.schema, logging: false });
    await dataSource.initialize();
    await dataSource.query('create table things (id uuid primary key)');
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const stored = async (id: string) => (await dataSource.query<unknown[]>('select 1 from things where id = $1', [id])).length;

  it('checkedTransaction_WhenEveryStatementSucceeded_CommitsInOneRoundTripAfterTheWork', async () => {
    const id = randomUUID();
    const sent: string[] = [];
    const query = Client.prototype.query;
    jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    });

    await checkedTransaction(dataSource, async (m) => {
      sent.length = 0;
      await m.query('insert into things (id) values ($1)', [id]);
      return { commit: true, result: undefined };
    });

    expect(sent).toEqual(['insert into things (id) values ($1)', 'COMMIT']);
    expect(await stored(id)).toBe(1);
  });

  it('checkedTransaction_WhenACaughtErrorAbortedItAndTheStatusHasNotArrived_ThrowsCommitRolledBackError', async () => {
    const id = randomUUID();
    // The connection's status as it stands between pg settling a failed query and the
    // ReadyForQuery that carries 'E': only COMMIT's answer can tell then.
    jest.spyOn(Client.prototype as { getTransactionStatus(): string | null }, 'getTransactionStatus').mockReturnValue('T');

    await expect(
      checkedTransaction(dataSource, async (m) => {
        await m.query('insert into things (id) values ($1)', [id]);
        await m.query('select 1 / 0').catch(() => undefined);
        return { commit: true, result: 'reported done' };
      }),
    ).rejects.toThrow(CommitRolledBackError);
    expect(await stored(id)).toBe(0);
  });

  // A keyed money route's 503 frees its key only if nothing may have committed (ADR 0072).
  it('checkedTransaction_InACommitWatch_CountsACommitThatTookAndNotOneThatRolledBackOrWasNeverSent', async () => {
    const watched = async (commit: boolean, abort: boolean) => {
      const watch = newCommitWatch();
      await watchingCommits(watch, () =>
        checkedTransaction(dataSource, async (m) => {
          await m.query('insert into things (id) values ($1)', [randomUUID()]);
          if (abort) await m.query('select 1 / 0').catch(() => undefined);
          return { commit, result: undefined };
        }),
      ).catch((e: unknown) => expect(e).toBeInstanceOf(CommitRolledBackError));
      return mayHaveCommitted(watch);
    };
    // Aborted before COMMIT: the status may or may not have arrived, so COMMIT may be sent (answered ROLLBACK) or not.
    expect([await watched(true, false), await watched(false, false), await watched(true, true)]).toEqual([true, false, false]);
    jest.spyOn(Client.prototype as { getTransactionStatus(): string | null }, 'getTransactionStatus').mockReturnValue('T');
    expect(await watched(true, true)).toBe(false);
  });
});
