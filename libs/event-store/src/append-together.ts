import type { Pool, PoolClient } from 'pg';
import type { AppendOptions } from './appender';
import { expectedToSql } from './append-request';
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

/** The store's per-stream locks, in the caller's transaction (the ones its append functions take). */
export interface StreamLocks {
  /** Takes the stream's lock, exclusive (to write) or shared (to hold as read), until the transaction ends. */
  lock(client: PoolClient, streamId: string, exclusive: boolean): Promise<void>;
  /** The streams' versions now (0: no stream), read in a statement of its own. */
  versions(client: PoolClient, streamIds: readonly string[]): Promise<Map<string, number>>;
}

const MAX_ATTEMPTS = 8;

/**
 * Appends to several streams in one transaction: every expected version holds and all commit,
 * or nothing does (a mismatch raises the store's ConcurrencyError for its stream); so does every
 * stream only read (`reads`), held unchanged until the commit. Every stream's lock is taken
 * first, in stream-id order (exclusive to write, shared to hold), before anything is written: two
 * such appends cannot deadlock each other, and the transaction gets its id only once it holds
 * them all, so its events follow every earlier writer's in the global order. A stale transaction
 * id, a deadlock or a serialization failure prove nothing was committed: the transaction runs
 * again. A COMMIT whose answer is lost leaves the outcome unknown (AppendOutcomeUnknownError).
 */
export async function appendTogether(
  pool: Pool,
  appendOne: AppendOne,
  appends: readonly StreamAppend[],
  reads: readonly StreamRead[] = [],
  locks?: StreamLocks,
): Promise<AppendResult[]> {
  checked(appends, reads, locks);
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: unknown;
    try {
      // The held versions are read after the locks, by statements of their own: read committed.
      await client.query('begin isolation level read committed');
      const results = await appendTogetherOn(client, appendOne, appends, reads, locks);
      try {
        await client.query('commit');
      } catch (e) {
        broken = e;
        if (failureKind(e) === 'unknown')
          throw new AppendOutcomeUnknownError(
            appends
              .map((a) => a.streamId)
              .sort()
              .join(','),
            e,
          );
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

/**
 * `appendTogether`'s work inside the caller's transaction on `client` (read committed): the same
 * locks, checks and appends, committed or rolled back by the caller, which runs it all again on
 * a stale transaction id or a deadlock, and must roll back (or to a savepoint) on any error.
 */
export async function appendTogetherOn(
  client: PoolClient,
  appendOne: AppendOne,
  appends: readonly StreamAppend[],
  reads: readonly StreamRead[] = [],
  locks?: StreamLocks,
): Promise<AppendResult[]> {
  const ids = checked(appends, reads, locks);
  const written = new Set(appends.map((a) => a.streamId));
  if (locks) {
    for (const id of ids) await locks.lock(client, id, written.has(id));
    // Every version the appends expect is checked here too, before anything is written: a refusal
    // then leaves the transaction without an id, so a caller's next try in it is not stale.
    const expected = [
      ...reads.map((r) => ({ streamId: r.streamId, version: r.version })),
      ...appends.map((a) => ({ streamId: a.streamId, version: a.options.expectedVersion })),
    ].filter((e) => e.version !== 'any');
    if (expected.length > 0) {
      const now = await locks.versions(
        client,
        expected.map((e) => e.streamId),
      );
      for (const e of expected) {
        const actual = now.get(e.streamId) ?? 0;
        if (actual !== expectedToSql(e.version)) throw new ConcurrencyError(e.streamId, e.version, actual);
      }
    }
  }
  const order = appends.map((a, i) => ({ a, i })).sort((x, y) => (x.a.streamId < y.a.streamId ? -1 : 1));
  const results: AppendResult[] = new Array<AppendResult>(appends.length);
  for (const { a, i } of order) results[i] = await appendOne(a.streamId, a.events, { ...a.options, client });
  return results;
}

/** Every stream once, reads only with the store's locks: the ids written and read, sorted. */
function checked(appends: readonly StreamAppend[], reads: readonly StreamRead[], locks: StreamLocks | undefined): string[] {
  if (reads.length > 0 && !locks) throw new Error("appendTogether: reads need the store's locks");
  const ids = [...appends.map((a) => a.streamId), ...reads.map((r) => r.streamId)].sort();
  for (let i = 1; i < ids.length; i++) if (ids[i] === ids[i - 1]) throw new Error(`appendTogether: stream ${ids[i]} twice`);
  return ids;
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
