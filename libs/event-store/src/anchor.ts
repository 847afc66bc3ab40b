import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { assertIdentifier } from './schema';
import type { Clock } from './types';

/**
 * A digest of every stream head at one moment, to keep outside the database (the audit
 * service, a signed export, a printed report). The hash chain catches an edited or deleted
 * event, but a database owner can rewrite a whole stream and its head consistently; a
 * digest taken earlier and kept elsewhere no longer matches such a store.
 */
export interface StoreAnchor {
  readonly schema: string;
  /**
   * Every transaction below this id had finished when the anchor was taken, and every later
   * one gets a higher id: the anchored events are exactly those with a lower transaction id,
   * whatever is appended afterwards.
   */
  readonly belowTransactionId: string;
  readonly streams: number;
  /** Sum of the head versions: the anchored events, if no stream has a gap (verify checks that). */
  readonly events: number;
  /** sha256 over one line per stream, `streamId \t version \t hash \n`, in byte order of stream id. */
  readonly digest: string;
  /**
   * sha256 over one line per anchored event in the global order, `transactionId \t position \t
   * streamId \t version \n`: no hash can cover those two columns (Postgres assigns them at
   * insert), so this is what shows an event moved in the order readers deliver. Absent in
   * anchors taken before it existed; a rebase after a restore changes it (take a new anchor).
   */
  readonly order?: string;
  readonly takenAt: string;
}

export type AnchorCheck =
  | { readonly ok: true; readonly streams: number; readonly events: number }
  | {
      readonly ok: false;
      readonly streams: number;
      readonly events: number;
      /** Which digest differs: the stream heads, or the global order of the anchored events. */
      readonly differs: 'heads' | 'order';
      readonly expected: string;
      readonly found: string;
    };

const PAGE = 2000;

/** Takes an anchor of the store in `schema` as of now. */
export async function takeAnchor(pool: Pool, schema: string, clock: Clock = { now: () => new Date() }): Promise<StoreAnchor> {
  const takenAt = clock.now().toISOString();
  return withSnapshot(pool, async (client) => {
    const { rows } = await client.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
    const below = rows[0]!.xmin;
    const d = await headsDigest(client, schema, below);
    const order = await orderDigest(client, schema, below);
    return { schema, belowTransactionId: below, ...d, order, takenAt };
  });
}

/** Recomputes the anchor's digest from the store as it is now. */
export async function checkAnchor(pool: Pool, anchor: StoreAnchor): Promise<AnchorCheck> {
  const { d, order } = await withSnapshot(pool, async (client) => ({
    d: await headsDigest(client, anchor.schema, anchor.belowTransactionId),
    order: anchor.order === undefined ? undefined : await orderDigest(client, anchor.schema, anchor.belowTransactionId),
  }));
  if (d.digest !== anchor.digest)
    return { ok: false, streams: d.streams, events: d.events, differs: 'heads', expected: anchor.digest, found: d.digest };
  if (anchor.order !== undefined && order !== anchor.order)
    return { ok: false, streams: d.streams, events: d.events, differs: 'order', expected: anchor.order, found: order ?? '' };
  return { ok: true, streams: d.streams, events: d.events };
}

async function withSnapshot<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    // One snapshot for the xmin and the read, so both see the same finished transactions.
    await client.query('begin isolation level repeatable read read only');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function headsDigest(
  client: PoolClient,
  schema: string,
  below: string,
): Promise<{ streams: number; events: number; digest: string }> {
  const s = `"${assertIdentifier(schema, 'schema')}"`;
  // collate "C": byte order, so the digest does not change with the server's locale.
  const cursor = client.query(
    new Cursor<{ stream_id: string; stream_version: string; hash: string }>(
      `select distinct on (stream_id collate "C") stream_id, stream_version, hash
         from ${s}.events where transaction_id < $1::xid8
        order by stream_id collate "C", stream_version desc`,
      [below],
    ),
  );
  const hash = createHash('sha256');
  let streams = 0;
  let events = 0;
  try {
    for (;;) {
      const rows = await cursor.read(PAGE);
      if (rows.length === 0) break;
      for (const r of rows) {
        hash.update(`${r.stream_id}\t${r.stream_version}\t${r.hash}\n`);
        streams++;
        events += Number(r.stream_version);
      }
    }
  } finally {
    await cursor.close();
  }
  return { streams, events, digest: hash.digest('hex') };
}

async function orderDigest(client: PoolClient, schema: string, below: string): Promise<string> {
  const s = `"${assertIdentifier(schema, 'schema')}"`;
  const cursor = client.query(
    new Cursor<{ transaction_id: string; position: string; stream_id: string; stream_version: string }>(
      `select transaction_id::text as transaction_id, position, stream_id, stream_version
         from ${s}.events where transaction_id < $1::xid8
        order by transaction_id, position`,
      [below],
    ),
  );
  const hash = createHash('sha256');
  try {
    for (;;) {
      const rows = await cursor.read(PAGE);
      if (rows.length === 0) break;
      for (const r of rows) hash.update(`${r.transaction_id}\t${r.position}\t${r.stream_id}\t${r.stream_version}\n`);
    }
  } finally {
    await cursor.close();
  }
  return hash.digest('hex');
}
