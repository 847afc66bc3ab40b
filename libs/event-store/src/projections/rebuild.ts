import type { Pool, PoolClient } from 'pg';
import type { PostgresEventStore } from '../event-store';
import { START, type GlobalCheckpoint, type RecordedEvent } from '../types';
import { inSavepoint } from '../savepoint';
import { applyOrPark, ParkedEvents, type ParkReason } from './parked-events';
import type { ReadModelDefinition } from './read-model';

export interface RebuildOptions {
  /** Events per page read from the store; default 5,000. */
  readonly pageSize?: number;
  /** Called after each page: events applied so far, and the store's event count when the rebuild began. */
  readonly onProgress?: (done: number, total: number) => void;
  /** How long to wait for events hidden behind an open transaction before swapping anyway; default 10 s. */
  readonly heldBackWaitMs?: number;
  /** Longest wait for the live tables' lock at the swap, per try; default 5 s (then it tries again, up to 10 times). */
  readonly lockTimeoutMs?: number;
  /** An event a read model could not store: recorded in `projection_parked_events` and skipped, as the live hub does (ADR 0090). */
  readonly onParked?: (projection: string, event: RecordedEvent, reason: ParkReason) => void;
  /**
   * Aborted, the rebuild stops before its next page or its swap and takes back what it built (the
   * projection hub's when the connection holding its lock fails: the rebuild is no longer its alone).
   */
  readonly signal?: AbortSignal;
  /**
   * The session advisory lock the rebuild runs under (`pg_advisory_lock(hashtext(keys[0]),
   * hashtext(keys[1]))` held by backend `pid`): checked after each page that came and inside the
   * swap's transaction once the live tables are locked, so a lock lost unheard (its backend ended
   * beyond a partition) swaps nothing in.
   */
  readonly heldLock?: HeldLock;
}

export interface HeldLock {
  readonly pid: number;
  readonly keys: readonly [string, string];
}

export interface RebuildReport {
  readonly projections: readonly string[];
  readonly events: number;
  /** Events applied inside the swap's lock: those that arrived while the shadow was built. */
  readonly caughtUpUnderLock: number;
  readonly ms: number;
}

const shadow = (table: string) => `${table}__rebuild`;

/**
 * Rebuilds projections from the whole store while the service runs (ADR 0024). Each table is
 * built afresh as `<table>__rebuild` from the store's global log, off to the side, without a
 * lock. Then, in one transaction, the live tables are locked (the live subscription's next
 * write waits), the shadow catches up with whatever was appended meanwhile, and it replaces
 * the live table under the same name. The live subscription carries on from its own checkpoint
 * into the new table; events it delivers again match no row's next version and change nothing.
 */
export async function rebuildProjections(
  pool: Pool,
  store: PostgresEventStore,
  definitions: readonly ReadModelDefinition[],
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const started = Date.now();
  const pageSize = options.pageSize ?? 5000;
  const tables = definitions.flatMap((d) => d.tables);
  const client = await pool.connect();
  const { applyAll, forgetUnparked, discardNew } = applying(client, store, definitions, options);
  try {
    for (const t of tables) {
      await client.query(`drop table if exists "${shadow(t)}"`);
      await client.query(`create table "${shadow(t)}" (like "${t}" including all)`);
    }
    await new ParkedEvents(store.schema).ensureTable(client);
    const total = Number((await client.query<{ n: string }>(`select count(*) as n from "${store.schema}".events`)).rows[0]?.n ?? 0);
    let done = 0;
    let at: GlobalCheckpoint = START;
    // Off to the side: a transaction per page, reading the next page while this one is written.
    let next = store.readAllPage(at, pageSize);
    let heldBackSince = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const page = await next;
      if (!page.events.length) {
        // Events past this point have committed but an older transaction (anywhere on the server)
        // still hides them: wait a little for it, rather than swap in a table that misses them
        // for the live side to fill in. Past the wait the swap is still safe, only less complete.
        if (!page.heldBack) break;
        heldBackSince ||= Date.now();
        if (Date.now() - heldBackSince > (options.heldBackWaitMs ?? 10_000)) break;
        await new Promise((r) => setTimeout(r, 20));
        next = store.readAllPage(at, pageSize);
        continue;
      }
      heldBackSince = 0;
      await stillHeld(client, options.heldLock);
      at = page.checkpoint;
      next = store.readAllPage(at, pageSize);
      await inTransaction(client, () => applyAll(page.events));
      done += page.events.length;
      options.onProgress?.(done, Math.max(total, done));
    }
    await next.catch(() => undefined);
    options.signal?.throwIfAborted();
    const before = done;
    done += await swap(client, store, applyAll, forgetUnparked, tables, at, pageSize, options.lockTimeoutMs ?? 5000, options.heldLock);
    options.onProgress?.(done, done);
    return { projections: definitions.map((d) => d.name), events: done, caughtUpUnderLock: done - before, ms: Date.now() - started };
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    for (const t of tables) await client.query(`drop table if exists "${shadow(t)}"`).catch(() => undefined);
    // Each page committed its parked rows; a rebuild that swapped nothing in takes back those it
    // added, unless its lock is gone: a rival holding it now may count on them (its park of one of
    // those events found it parked already), and its own swap keeps only the ones it parked.
    const held = await stillHeld(client, options.heldLock).then(
      () => true,
      () => false,
    );
    if (held) await discardNew().catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

type ApplyAll = (events: readonly RecordedEvent[]) => Promise<void>;

/**
 * Every shadow read model in turn, each try under a savepoint: an event one cannot store is parked,
 * not the whole rebuild's end. `forgetUnparked`, at the swap: the events these read models parked
 * before and now stored are no longer recorded as parked. `discardNew`, when the rebuild fails:
 * the rows it added go (each page committed its own).
 */
function applying(
  client: PoolClient,
  store: PostgresEventStore,
  definitions: readonly ReadModelDefinition[],
  options: RebuildOptions,
): { applyAll: ApplyAll; forgetUnparked: () => Promise<void>; discardNew: () => Promise<void> } {
  const parked = new ParkedEvents(store.schema);
  const parkedNow: { projection: string; eventId: string }[] = [];
  const addedNow: { projection: string; eventId: string }[] = [];
  const readModels = definitions.map((d) => ({ name: d.name, readModel: d.create(client, shadow) }));
  const savepoint = (work: () => Promise<void>) => inSavepoint(client, 'apply_page', work);
  const applyAll: ApplyAll = async (events) => {
    for (const { name, readModel } of readModels)
      await applyOrPark(
        readModel,
        events,
        async (event, reason) => {
          parkedNow.push({ projection: name, eventId: event.eventId });
          if (!(await parked.park(client, name, event, reason))) return;
          addedNow.push({ projection: name, eventId: event.eventId });
          options.onParked?.(name, event, reason);
        },
        savepoint,
      );
  };
  const forgetUnparked = () =>
    parked.keepOnly(
      client,
      definitions.map((d) => d.name),
      parkedNow,
    );
  return { applyAll, forgetUnparked, discardNew: () => parked.forget(client, addedNow) };
}

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work();
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  }
}

/** Locks the live tables, catches the shadows up to the store's head, puts them in place. Returns the events caught up. */
async function swap(
  client: PoolClient,
  store: PostgresEventStore,
  applyAll: ApplyAll,
  forgetUnparked: () => Promise<void>,
  tables: readonly string[],
  from: GlobalCheckpoint,
  pageSize: number,
  lockTimeoutMs: number,
  heldLock: HeldLock | undefined,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await client.query('begin');
    try {
      await client.query(`set local lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      // Sorted, so two rebuilds (or a rebuild and a migration) lock in one order.
      await client.query(
        `lock table ${[...tables]
          .sort()
          .map((t) => `"${t}"`)
          .join(', ')} in access exclusive mode`,
      );
      // Checked with the live tables locked: another holder's swap waits for this transaction, so
      // the lock, held now, cannot have passed to a rival that swaps first.
      await stillHeld(client, heldLock);
      const caughtUp = await catchUp(store, applyAll, from, pageSize);
      // In the swap's transaction: the record and the tables change together.
      await forgetUnparked();
      for (const t of tables) await replace(client, t);
      await client.query('commit');
      return caughtUp;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      // 55P03 lock_not_available: a long read holds the live table; try again rather than give up the built shadow.
      if ((e as { code?: string }).code !== '55P03' || attempt >= 10) throw e;
    }
  }
}

/** Throws unless backend `pid` still holds the lock (nothing to check without one). */
async function stillHeld(client: PoolClient, lock: HeldLock | undefined): Promise<void> {
  if (lock && !(await holds(client, lock)))
    throw new Error(`the rebuild's lock (${lock.keys.join(' ')}) is no longer held by backend ${lock.pid}: nothing swapped in`);
}

async function holds(client: PoolClient, { pid, keys }: HeldLock): Promise<boolean> {
  const { rows } = await client.query<{ held: boolean }>(
    `select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid = $1
                       and classid = hashtext($2)::oid and objid = hashtext($3)::oid and objsubid = 2) as held`,
    [pid, keys[0], keys[1]],
  );
  return rows[0]?.held === true;
}

/**
 * Everything readable now, into the shadows. With the live tables locked, the live
 * subscription cannot have written an event this does not read: it only applies events it
 * read with the same `readAllPage`, and those are still readable here. Events behind a
 * still-open transaction are left to the live subscription, which applies them to the new table.
 */
async function catchUp(store: PostgresEventStore, applyAll: ApplyAll, from: GlobalCheckpoint, pageSize: number): Promise<number> {
  let at = from;
  let n = 0;
  for (;;) {
    const page = await store.readAllPage(at, pageSize);
    if (!page.events.length) return n;
    await applyAll(page.events);
    n += page.events.length;
    at = page.checkpoint;
  }
}

/** Drops the live table and gives the shadow its name, and its indexes the live ones' names (later migrations refer to them). */
async function replace(client: PoolClient, table: string): Promise<void> {
  const indexes = async (t: string) =>
    (
      await client.query<{ name: string; def: string }>(
        `select indexname as name, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX') as def
           from pg_indexes where schemaname = current_schema() and tablename = $1`,
        [t],
      )
    ).rows;
  const live = await indexes(table);
  const built = await indexes(shadow(table));
  await client.query(`drop table "${table}"`);
  await client.query(`alter table "${shadow(table)}" rename to "${table}"`);
  for (const l of live) {
    const b = built.find((x) => x.def === l.def);
    if (b && b.name !== l.name) await client.query(`alter index "${b.name}" rename to "${l.name}"`);
  }
}
