import { randomBytes } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';
import { newDataKey, type KekRing } from '@vanguard/keys';
import { EventStoreError, SubjectForgottenError } from './errors';
import type { SubjectKey } from './personal-data';

/** Key id of a subject key stored before keys had ids (it is never written again). */
export const LEGACY_KEY_ID = 'k0';

export interface KeyRow {
  subject_id: string;
  key: Buffer | null;
  key_id: string | null;
  kek_id: string | null;
  wrapped: Buffer | null;
  forgotten_at: Date | null;
}

const ROW = 'subject_id, key, key_id, kek_id, wrapped, forgotten_at';
/** The columns `fromRows` reads, for a caller that joins personal_keys (as `k`) into its own query. */
export const KEY_COLUMNS = 'k.subject_id, k.key, k.key_id, k.kek_id, k.wrapped, k.forgotten_at';

/** What a subject key is for, authenticated when it is wrapped: a wrapped key moved to another row will not unwrap. */
export function subjectKeyContext(subjectId: string, keyId: string): string {
  return `vanguard.event-store.subject-key:${subjectId}:${keyId}`;
}

export class SubjectKeyRaceError extends EventStoreError {
  readonly code = 'EVENT_STORE.SUBJECT_KEY_RACE';
  constructor(readonly subjectId: string) {
    super(`the key of personal data subject ${subjectId} was being created by another transaction that has not committed; retry`);
    this.name = 'SubjectKeyRaceError';
  }
}

/**
 * The per-subject data keys of one store schema, kept wrapped under the operator's KEK
 * (envelope encryption): the database holds only wrapped keys and the id of the KEK that
 * wrapped each, the KEK lives in the process. Rows from before wrapping (a raw `key`) are
 * still read until `rotatePersonalKeys` wraps them.
 */
export class PersonalKeys {
  /**
   * Unwrapped keys by subject, used only when the row just read still holds the same wrapped
   * bytes under the same KEK: the database decides every time whether a key exists or was
   * forgotten, the cache only saves the unwrap (and, on writes, wrapping a candidate key for
   * a subject that has one).
   */
  private readonly cache = new Map<string, { kekId: string; wrapped: Buffer; key: SubjectKey }>();

  constructor(
    private readonly s: string,
    private readonly ring: KekRing,
    private readonly cacheSize = 10_000,
  ) {}

  /** Keys for writing: made (and wrapped) for new subjects; a forgotten subject refuses. */
  async forWrite(db: ClientBase | Pool, subjects: readonly string[]): Promise<Map<string, SubjectKey>> {
    const keys = new Map<string, SubjectKey>();
    let missing = [...subjects];
    // A subject's first key, made by two appends at once: the loser's insert waits for the
    // winner and does nothing, but its statement cannot see the winner's row; a new statement can.
    for (let attempt = 0; attempt < 3 && missing.length > 0; attempt++) {
      // Candidate keys only for subjects not seen before: a seen one has its row (one rolled back
      // with its caller's transaction is missing from the result and made on the next attempt).
      const made = missing
        .filter((subject) => attempt > 0 || !this.cache.has(subject))
        .map((subject) => {
          const keyId = randomBytes(6).toString('hex');
          return { subject, keyId, ...this.ring.wrap(newDataKey(), subjectKeyContext(subject, keyId)) };
        });
      const { rows } = await db.query<KeyRow>(
        `with wanted as (select * from unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) as w(subject_id, key_id, kek_id, wrapped)),
              ins as (insert into ${this.s}.personal_keys (subject_id, key_id, kek_id, wrapped) select * from wanted
                      on conflict (subject_id) do nothing returning ${ROW})
         select ${ROW} from ins
         union all
         select ${ROW} from ${this.s}.personal_keys k
          where k.subject_id = any($1) and not exists (select 1 from ins where ins.subject_id = k.subject_id)`,
        [missing, made.map((m) => m.subject), made.map((m) => m.keyId), made.map((m) => m.kekId), made.map((m) => m.wrapped)],
      );
      for (const r of rows) {
        const k = this.open(r);
        if (!k) throw new SubjectForgottenError(r.subject_id);
        keys.set(r.subject_id, k);
      }
      missing = missing.filter((s) => !keys.has(s));
    }
    if (missing.length > 0) throw new SubjectKeyRaceError(missing[0]!);
    return keys;
  }

  /** Keys for reading; a forgotten (or unknown) subject maps to null. */
  async forRead(db: ClientBase | Pool, subjects: readonly string[]): Promise<Map<string, SubjectKey | null>> {
    const { rows } = await db.query<KeyRow>(`select ${ROW} from ${this.s}.personal_keys where subject_id = any($1)`, [subjects]);
    return this.fromRows(subjects, rows);
  }

  /** Keys for reading from rows the caller selected with KEY_COLUMNS (saves a round trip). */
  fromRows(subjects: readonly string[], rows: readonly KeyRow[]): Map<string, SubjectKey | null> {
    const keys = new Map<string, SubjectKey | null>(subjects.map((s) => [s, null]));
    for (const r of rows) keys.set(r.subject_id, this.open(r));
    return keys;
  }

  /** Whether this process holds the subject's key unwrapped (forgetting must leave it not). */
  holds(subjectId: string): boolean {
    return this.cache.has(subjectId);
  }

  private open(r: KeyRow): SubjectKey | null {
    const hit = this.cache.get(r.subject_id);
    if (r.forgotten_at !== null || r.wrapped === null) {
      this.cache.delete(r.subject_id);
      return openKey(this.ring, r);
    }
    if (hit && hit.kekId === r.kek_id && hit.key.keyId === r.key_id && hit.wrapped.equals(r.wrapped)) return hit.key;
    const key = openKey(this.ring, r);
    if (key && r.kek_id !== null) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(r.subject_id, { kekId: r.kek_id, wrapped: r.wrapped, key });
    }
    return key;
  }

  /**
   * Destroys the subject's key and drops the snapshots that folded its values, in one
   * transaction. A snapshot sealed under the key concurrently is unreadable anyway.
   *
   * A subject with no key yet gets a forgotten row, as `reapplyForgets` gives it: without one,
   * the next write would make the subject a fresh key. A first write in flight holds the row's
   * insert; the upsert waits for it and then destroys the key it made.
   */
  async forget(pool: Pool, subjectId: string, at: Date): Promise<boolean> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rowCount } = await client.query(
        `insert into ${this.s}.personal_keys as k (subject_id, forgotten_at) values ($1, $2)
         on conflict (subject_id) do update set key = null, wrapped = null, kek_id = null, forgotten_at = excluded.forgotten_at
          where k.forgotten_at is null`,
        [subjectId, at],
      );
      await client.query(`delete from ${this.s}.snapshots where $1 = any(subjects)`, [subjectId]);
      await client.query('commit');
      // The key is gone from the database; it must not stay unwrapped in this process either.
      this.cache.delete(subjectId);
      return (rowCount ?? 0) > 0;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}

function openKey(ring: KekRing, r: KeyRow): SubjectKey | null {
  if (r.forgotten_at !== null) return null;
  if (r.wrapped !== null && r.kek_id !== null && r.key_id !== null) {
    return { keyId: r.key_id, key: ring.unwrap(r.kek_id, r.wrapped, subjectKeyContext(r.subject_id, r.key_id)) };
  }
  if (r.key !== null) return { keyId: r.key_id ?? LEGACY_KEY_ID, key: r.key };
  return null;
}

export interface PersonalKeyRotation {
  /** Keys moved from an older KEK to the active one. */
  readonly rewrapped: number;
  /** Keys stored raw before envelope encryption, now wrapped. */
  readonly wrapped: number;
}

/**
 * Re-wraps every live subject key of `schema` under the active KEK, in small transactions
 * (rows locked, others skipped and taken on the next pass), so appends and reads go on
 * meanwhile and an interrupted run resumes where it stopped. A key forgotten meanwhile is
 * never brought back: only rows still holding a key are touched, under their row lock.
 */
export async function rotatePersonalKeys(
  pool: Pool,
  schema: string,
  ring: KekRing,
  options: { batchSize?: number } = {},
): Promise<PersonalKeyRotation> {
  const s = `"${schema}"`;
  const batchSize = options.batchSize ?? 500;
  let rewrapped = 0;
  let wrapped = 0;
  for (;;) {
    const client = await pool.connect();
    let done: number;
    try {
      await client.query('begin');
      const { rows } = await client.query<KeyRow>(
        `select ${ROW} from ${s}.personal_keys
          where forgotten_at is null and ((wrapped is not null and kek_id <> $1) or (wrapped is null and key is not null))
          order by subject_id limit $2 for update skip locked`,
        [ring.active.id, batchSize],
      );
      const ids: string[] = [];
      const keyIds: string[] = [];
      const wraps: Buffer[] = [];
      for (const r of rows) {
        const k = openKey(ring, r);
        if (!k) continue;
        if (r.wrapped === null) wrapped++;
        else rewrapped++;
        ids.push(r.subject_id);
        keyIds.push(k.keyId);
        wraps.push(ring.wrap(k.key, subjectKeyContext(r.subject_id, k.keyId)).wrapped);
      }
      await client.query(
        `update ${s}.personal_keys p set key = null, key_id = u.key_id, kek_id = $4, wrapped = u.wrapped
           from unnest($1::text[], $2::text[], $3::bytea[]) as u(subject_id, key_id, wrapped)
          where p.subject_id = u.subject_id`,
        [ids, keyIds, wraps, ring.active.id],
      );
      await client.query('commit');
      done = rows.length;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    if (done < batchSize) return { rewrapped, wrapped };
  }
}
