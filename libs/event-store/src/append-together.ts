import type { Pool, PoolClient } from 'pg';
import type { AppendOptions } from './appender';
import { AppendOutcomeUnknownError, StaleTransactionError } from './errors';
import { failureKind } from './group-commit';
import type { AppendResult, NewEvent } from './types';

/** One stream's part of an append that commits with others or not at all. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly options: Omit<AppendOptions, 'client'>;
}

type AppendOne = (streamId: string, events: readonly NewEvent[], options: AppendOptions) => Promise<AppendResult>;

const MAX_ATTEMPTS = 8;

/**
 * Appends to several streams in one transaction: every expected version holds and all commit,
 * or nothing does (a mismatch raises the store's ConcurrencyError for its stream). Streams are
 * written in id order, so two such appends over the same streams take the streams' locks in
 * the same order and cannot deadlock each other. A stale transaction id, a deadlock or a
 * serialization failure prove nothing was committed: the transaction runs again. A COMMIT
 * whose answer is lost leaves the outcome unknown (AppendOutcomeUnknownError).
 */
export async function appendTogether(pool: Pool, appendOne: AppendOne, appends: readonly StreamAppend[]): Promise<AppendResult[]> {
  const order = appends.map((a, i) => ({ a, i })).sort((x, y) => (x.a.streamId < y.a.streamId ? -1 : 1));
  for (let i = 1; i < order.length; i++)
    if (order[i]!.a.streamId === order[i - 1]!.a.streamId) throw new Error(`appendTogether: stream ${order[i]!.a.streamId} twice`);
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: unknown;
    try {
      await client.query('begin');
      const results: AppendResult[] = new Array<AppendResult>(appends.length);
      for (const { a, i } of order) results[i] = await appendOne(a.streamId, a.events, { ...a.options, client });
      try {
        await client.query('commit');
      } catch (e) {
        broken = e;
        if (failureKind(e) === 'unknown') throw new AppendOutcomeUnknownError(order.map((o) => o.a.streamId).join(','), e);
        throw e;
      }
      return results;
    } catch (e) {
      if (!broken) await rollback(client).catch((r: unknown) => (broken = r));
      const again = e instanceof StaleTransactionError || failureKind(e) === 'retry';
      if (!again || attempt >= MAX_ATTEMPTS) throw e;
    } finally {
      release(client, broken);
    }
  }
}

async function rollback(client: PoolClient): Promise<void> {
  await client.query('rollback');
}

/** A connection whose state is unknown is not handed to the next caller. */
function release(client: PoolClient, broken: unknown): void {
  client.release(
    broken === undefined ? undefined : broken instanceof Error ? broken : new Error('append together: connection state unknown'),
  );
}
