import { createHmac } from 'node:crypto';
import { newDataKey, type KekRing } from './kek-ring';

/**
 * Runs one statement and returns its rows. Every statement here is a SELECT (updates go
 * through a CTE), so a pg Pool (`(t, v) => pool.query(t, v).then((r) => r.rows)`) and a
 * TypeORM DataSource (`(t, v) => ds.query(t, v)`) both fit.
 */
export type Sql = <R>(text: string, values?: unknown[]) => Promise<R[]>;

/** A pg Pool or client as a `Sql`. */
export function pgSql(db: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return async <R>(text: string, values?: unknown[]) => (await db.query(text, values)).rows as R[];
}

export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/** A service's data keys, unwrapped in memory: `active` encrypts, `byId` decrypts, `index` keys the blind index. */
export interface DataKeys {
  readonly active: DataKey;
  readonly byId: ReadonlyMap<string, DataKey>;
  readonly index: DataKey;
}

/**
 * The table a service keeps its wrapped data keys in. `created_under` is the KEK that was
 * active when the key was made: a rotation makes one new data key per KEK, so running it
 * twice makes none the second time. The active data key is the most recently activated.
 */
export function dataKeysTableSql(table = 'data_keys'): string {
  return `
    create table if not exists ${table} (
      key_id         text primary key,
      purpose        text not null check (purpose in ('data', 'index')),
      kek_id         text not null,
      wrapped        bytea not null,
      created_under  text not null,
      created_at     timestamptz not null default now(),
      activated_at   timestamptz
    )`;
}

const context = (purpose: string, keyId: string) => `vanguard.data-key:${purpose}:${keyId}`;

interface Row {
  key_id: string;
  purpose: 'data' | 'index';
  kek_id: string;
  wrapped: Buffer;
  activated?: boolean;
}

export interface LoadOptions {
  readonly table?: string;
  /**
   * A data key from before envelope encryption (values sealed without a key id, blind
   * indexes under HMAC(key, "blind-index")): adopted as the first keys when the table is
   * empty, so those values stay readable and those indexes keep matching.
   */
  readonly legacyKey?: Buffer | null;
}

/** Unwraps the service's data keys; makes the first ones when there are none yet. */
export async function loadDataKeys(sql: Sql, ring: KekRing, options: LoadOptions = {}): Promise<DataKeys> {
  const table = options.table ?? 'data_keys';
  // Oldest activation first, by timestamp in SQL (as text they misorder across a UTC-offset change): the last one read is active.
  const select = `select key_id, purpose, kek_id, wrapped, activated_at is not null as activated from ${table} order by activated_at nulls first, key_id`;
  let rows = await sql<Row>(select);
  if (!rows.some((r) => r.purpose === 'data' && r.activated) || !rows.some((r) => r.purpose === 'index')) {
    await bootstrap(sql, table, ring, options.legacyKey ?? null);
    rows = await sql<Row>(select);
  }
  const byId = new Map<string, DataKey>();
  let active: DataKey | null = null;
  let index: DataKey | null = null;
  for (const r of rows) {
    const key = { id: r.key_id, key: ring.unwrap(r.kek_id, Buffer.from(r.wrapped), context(r.purpose, r.key_id)) };
    if (r.purpose === 'index') {
      // One index key for the life of the data: replacing it would orphan every stored index.
      if (!index || r.key_id < index.id) index = key;
      continue;
    }
    byId.set(r.key_id, key);
    if (r.activated) active = key;
  }
  if (!active || !index) throw new Error(`${table}: no active data key or no index key after bootstrap`);
  return { active, byId, index };
}

/** Fixed ids, so instances booting together insert the same rows and the loser's insert does nothing. */
export const FIRST_DATA_KEY_ID = 'd0';
export const INDEX_KEY_ID = 'i0';

async function bootstrap(sql: Sql, table: string, ring: KekRing, legacy: Buffer | null): Promise<void> {
  const data = legacy ?? newDataKey();
  const index = legacy ? createHmac('sha256', legacy).update('blind-index').digest() : newDataKey();
  const d = ring.wrap(data, context('data', FIRST_DATA_KEY_ID));
  const i = ring.wrap(index, context('index', INDEX_KEY_ID));
  await sql(
    `with ins as (
       insert into ${table} (key_id, purpose, kek_id, wrapped, created_under, activated_at)
       values ($1, 'data', $2, $3, $2, now()), ($4, 'index', $5, $6, $5, null)
       on conflict (key_id) do nothing returning key_id)
     select key_id from ins`,
    [FIRST_DATA_KEY_ID, d.kekId, d.wrapped, INDEX_KEY_ID, i.kekId, i.wrapped],
  );
}

export interface RotationStep {
  readonly rewrapped: number;
  /** The data key made under the active KEK, when this run made it. */
  readonly staged: string | null;
  /** A data key of the active KEK is staged and not yet active (made by this run or an interrupted one). */
  readonly pending: boolean;
}

/**
 * Re-wraps every data key under the active KEK (the keys themselves, and so every value
 * and blind index, stay as they are), then stages a new data key for the active KEK if
 * there is none yet. Staged keys are readable at once but encrypt only once activated:
 * instances refresh their keys meanwhile, so none meets a key id it cannot read.
 */
export async function rewrapAndStage(sql: Sql, ring: KekRing, table = 'data_keys'): Promise<RotationStep> {
  const stale = await sql<Row>(`select key_id, purpose, kek_id, wrapped from ${table} where kek_id <> $1`, [ring.active.id]);
  let rewrapped = 0;
  for (const r of stale) {
    const key = ring.unwrap(r.kek_id, Buffer.from(r.wrapped), context(r.purpose, r.key_id));
    const w = ring.wrap(key, context(r.purpose, r.key_id));
    // Only if nobody re-wrapped it meanwhile: a rerun or a second rotator changes nothing.
    const done = await sql<{ key_id: string }>(
      `with u as (update ${table} set kek_id = $2, wrapped = $3 where key_id = $1 and kek_id = $4 returning key_id) select key_id from u`,
      [r.key_id, w.kekId, w.wrapped, r.kek_id],
    );
    rewrapped += done.length;
  }
  const id = stagedKeyId(ring.active.id);
  const w = ring.wrap(newDataKey(), context('data', id));
  const staged = await sql<{ key_id: string }>(
    `with ins as (
       insert into ${table} (key_id, purpose, kek_id, wrapped, created_under)
       select $1, 'data', $2, $3, $2
        where not exists (select 1 from ${table} where purpose = 'data' and created_under = $2)
       on conflict (key_id) do nothing returning key_id)
     select key_id from ins`,
    [id, w.kekId, w.wrapped],
  );
  const waiting = await sql<{ key_id: string }>(
    `select key_id from ${table} where purpose = 'data' and created_under = $1 and activated_at is null`,
    [ring.active.id],
  );
  return { rewrapped, staged: staged[0]?.key_id ?? null, pending: waiting.length > 0 };
}

/** The data key a rotation to `kekId` makes: derived from the KEK id, so a rerun finds it. */
export function stagedKeyId(kekId: string): string {
  return `d-${kekId}`;
}

/** Makes the staged data key of the active KEK the one new values are encrypted with. */
export async function activateStagedKey(sql: Sql, ring: KekRing, table = 'data_keys'): Promise<string | null> {
  const rows = await sql<{ key_id: string }>(
    `with u as (
       update ${table} set activated_at = clock_timestamp()
        where purpose = 'data' and created_under = $1 and activated_at is null returning key_id)
     select key_id from u`,
    [ring.active.id],
  );
  return rows[0]?.key_id ?? null;
}
