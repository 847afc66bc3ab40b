import type { Pool, PoolClient } from 'pg';
import type { AppendOptions } from './appender';
import { AppendOutcomeUnknownError, ConcurrencyError, StaleTransactionError } from './errors';
import { failureKind } from './group-commit';
import type { AppendResult, NewEvent } from './types';

/** One stream's part of an append that commits with others or not at all. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly options: Omit<AppendOptions, 'client'>;
}

/**
 * A stream the decision read but does not write: it must still be at `version` (0: no stream)
 * when the others commit, or the decision was taken on facts that changed (a notice listing a
 * nomination withdrawn meanwhile). Its head is held until the commit, so no append to it lands
 * between the check and the commit either.
 */
export interface StreamRead {
  readonly streamId: string;
  readonly version: number;
}

type AppendOne = (streamId: string, events: readonly NewEvent[], options: AppendOptions) => Promise<AppendResult>;
/** Holds the stream's head shared in the client's transaction and answers its version then. */
type HoldOne = (client: PoolClient, streamId: string) => Promise<number>;

const MAX_ATTEMPTS = 8;

/**
 * Appends to several streams in one transaction: every expected version holds and all commit,
 * or nothing does (a mismatch raises the store's ConcurrencyError for its stream); so does every
 * stream only read (`reads`), held unchanged until the commit. Streams are
 * written in id order, so two such appends over the same streams take the streams' locks in
 * the same order and cannot deadlock each other. A stale transaction id, a deadlock or a
 * serialization failure prove nothing was committed: the transaction runs again. A COMMIT
 * whose answer is lost leaves the outcome unknown (AppendOutcomeUnknownError).
 */
export async function appendTogether(
  pool: Pool,
  appendOne: AppendOne,
  appends: readonly StreamAppend[],
  reads: readonly StreamRead[] = [],
  holdOne?: HoldOne,
): Promise<AppendResult[]> {
  if (reads.length > 0 && !holdOne) throw new Error('appendTogether: reads need holdOne');
  // Reads and writes take their streams' locks in one id order, so two of these cannot deadlock.
  type Step = { a: StreamAppend; i: number; read?: undefined } | { read: StreamRead; a?: undefined };
  const steps: Step[] = [...appends.map((a, i): Step => ({ a, i })), ...reads.map((read): Step => ({ read }))];
  const idOf = (x: Step) => (x.a ? x.a.streamId : x.read.streamId);
  const order = steps.sort((x, y) => (idOf(x) < idOf(y) ? -1 : 1));
  for (let i = 1; i < order.length; i++)
    if (idOf(order[i]!) === idOf(order[i - 1]!)) throw new Error(`appendTogether: stream ${idOf(order[i]!)} twice`);
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: unknown;
    try {
      await client.query('begin');
      const results: AppendResult[] = new Array<AppendResult>(appends.length);
      for (const step of order) {
        if (step.a) results[step.i] = await appendOne(step.a.streamId, step.a.events, { ...step.a.options, client });
        else {
          const actual = await holdOne!(client, step.read.streamId);
          if (actual !== step.read.version) throw new ConcurrencyError(step.read.streamId, step.read.version, actual);
        }
      }
      try {
        await client.query('commit');
      } catch (e) {
        broken = e;
        if (failureKind(e) === 'unknown') throw new AppendOutcomeUnknownError(appends.map((a) => a.streamId).join(','), e);
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
