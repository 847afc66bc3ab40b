import type { Pool, PoolClient } from 'pg';
import { assertIdentifier } from './schema';

export interface RebaseReport {
  /** False: every stored transaction id is one this cluster already assigned, so nothing needed changing. */
  readonly rebased: boolean;
  /** Events whose transaction id was replaced. */
  readonly events: number;
  /** Streams whose last writer's transaction id was replaced. */
  readonly streams: number;
  /** The id every restored event now carries: the rebasing transaction's own. */
  readonly transactionId: string | null;
  /** Each stored checkpoint before and after, translated so that no event after it is skipped. */
  readonly checkpoints: readonly { readonly subscription: string; readonly from: string; readonly to: string }[];
}

/**
 * Makes a store restored into another cluster (pg_dump/pg_restore, or a logical-replication
 * cutover) readable again. Run it as the owner of the schema, after the restore and before the
 * first append.
 *
 * Transaction ids count per cluster. A restore keeps the `transaction_id` column as it was, but
 * the new cluster counts from wherever it is, usually far lower. Readers of "all" only read ids
 * below the oldest open transaction, so restored ids the new cluster has not reached are not read
 * at all, and new appends get lower ids than the restored events: a checkpoint taken before the
 * restore already lies beyond them, and they would never be delivered.
 *
 * The rebase gives every event the id of the rebasing transaction itself, as if the whole history
 * had been appended at once in position order. Within a stream, positions rise with versions (the
 * function checks that first), so every stream keeps its order; events of different streams that
 * ran concurrently may now be read in another order than before. Every subscription checkpoint is
 * moved to the new id and to the last position before the first event it had not reached yet, so
 * nothing is skipped and some events may be delivered again (handlers are idempotent).
 *
 * Each stream's `last_xid` is moved to the same id: an append that writes before it takes a
 * stream's lock (any append of several streams) is refused as stale when the stream's last writer
 * has a newer id than its own, and a restored one would be newer than every id for an epoch. A
 * store rebased before `last_xid` was moved has only that left to do, and gets only that.
 */
export async function rebaseAfterRestore(pool: Pool, schema: string): Promise<RebaseReport> {
  const s = `"${assertIdentifier(schema, 'schema')}"`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    // No append and no checkpoint write may slip between the checks and the rewrite.
    await client.query(`lock table ${s}.events, ${s}.streams, ${s}.subscription_checkpoints in access exclusive mode`);
    const { rows } = await client.query<{ xid: string; events_ahead: boolean; streams_ahead: boolean }>(
      `select pg_current_xact_id()::text as xid,
              exists (select 1 from ${s}.events where transaction_id >= pg_current_xact_id()) as events_ahead,
              exists (select 1 from ${s}.streams where last_xid >= pg_current_xact_id()) as streams_ahead`,
    );
    const { xid, events_ahead, streams_ahead } = rows[0]!;
    if (!events_ahead && !streams_ahead) {
      await client.query('rollback');
      return { rebased: false, events: 0, streams: 0, transactionId: null, checkpoints: [] };
    }
    const { events, checkpoints } = events_ahead ? await rebaseEvents(client, s, xid) : { events: 0, checkpoints: [] };
    const streams = await client.query(`update ${s}.streams set last_xid = $1::xid8 where last_xid >= $1::xid8`, [xid]);
    await client.query('commit');
    return { rebased: true, events, streams: streams.rowCount ?? 0, transactionId: xid, checkpoints };
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Gives every event `xid`, after checking each stream's order survives it and moving the checkpoints to match. */
async function rebaseEvents(
  client: PoolClient,
  s: string,
  xid: string,
): Promise<{ events: number; checkpoints: RebaseReport['checkpoints'] }> {
  const disorder = await client.query<{ stream_id: string; stream_version: string }>(
    `select stream_id, stream_version
       from (select stream_id, stream_version, position,
                    lag(position) over (partition by stream_id order by stream_version) as previous
               from ${s}.events) t
      where position <= previous
      limit 1`,
  );
  if (disorder.rows[0]) {
    const d = disorder.rows[0];
    throw new Error(
      `rebaseAfterRestore: ${d.stream_id} version ${d.stream_version} has a lower position than the version before; run verify`,
    );
  }
  // Translated with the old order, before the events are rewritten.
  const moved = await client.query<{ subscription: string; from: string; to: string }>(
    `with translated as (
       select c.subscription, c.transaction_id::text || '/' || c.position as from_cp,
              coalesce((select min(e.position) - 1 from ${s}.events e where (e.transaction_id, e.position) > (c.transaction_id, c.position)),
                       (select max(e.position) from ${s}.events e)) as new_position
         from ${s}.subscription_checkpoints c)
     update ${s}.subscription_checkpoints c
        set transaction_id = $1::xid8, position = t.new_position, updated_at = now()
       from translated t
      where t.subscription = c.subscription
     returning c.subscription, t.from_cp as from, c.transaction_id::text || '/' || c.position as to`,
    [xid],
  );
  // The append-only trigger refuses this on purpose; only the owner can lift it, and only here.
  await client.query(`alter table ${s}.events disable trigger events_append_only`);
  const updated = await client.query(`update ${s}.events set transaction_id = $1::xid8`, [xid]);
  await client.query(`alter table ${s}.events enable trigger events_append_only`);
  return {
    events: updated.rowCount ?? 0,
    checkpoints: moved.rows.sort((a, b) => (a.subscription < b.subscription ? -1 : 1)),
  };
}
