import { randomBytes } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';
import { newDataKey, type KekRing } from '@vanguard/keys';
import { EventStoreError, SubjectForgottenError } from './errors';
import type { SubjectKey } from './personal-data';

/** Key id of a subject key stored before keys had ids (it is never written again). */
export const LEGACY_KEY_ID = 'k0';

interface KeyRow {
  subject_id: string;
  key: Buffer | null;
  key_id: string | null;
  kek_id: string | null;
  wrapped: Buffer | null;
  forgotten_at: Date | null;
}

const ROW = 'subject_id, key, key_id, kek_id, wrapped, forgotten_at';

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
  constructor(
    private readonly s: string,
    private readonly ring: KekRing,
  ) {}

  /** Keys for writing: made (and wrapped) for new subjects; a forgotten subject refuses. */
  async forWrite(db: ClientBase | Pool, subjects: readonly string[]): Promise<Map<string, SubjectKey>> {
    const keys = new Map<string, SubjectKey>();
    let missing = [...subjects];
    // A subject's first key, made by two appends at once: the loser's insert waits for the
    // winner and does nothing, but its statement cannot see the winner's row; a new statement can.
    for (let attempt = 0; attempt < 3 && missing.length > 0; attempt++) {
      const made = missing.map((subject) => {
        const keyId = randomBytes(6).toString('hex');
        return { subject, keyId, ...this.ring.wrap(newDataKey(), subjectKeyContext(subject, keyId)) };
      });
      const { rows } = await db.query<KeyRow>(
        `with wanted as (select * from unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) as w(subject_id, key_id, kek_id, wrapped)),
              ins as (insert into ${this.s}.personal_keys (subject_id, key_id, kek_id, wrapped) select * from wanted
                      on conflict (subject_id) do nothing returning ${ROW})
         select ${ROW} from ins
         union all
         select ${ROW} from ${this.s}.personal_keys k
          where k.subject_id = any($1) and not exists (select 1 from ins where ins.subject_id = k.subject_id)`,
        [made.map((m) => m.subject), made.map((m) => m.keyId), made.map((m) => m.kekId), made.map((m) => m.wrapped)],
      );
      for (const r of rows) {
        const k = openKey(this.ring, r);
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
    const keys = new Map<string, SubjectKey | null>(subjects.map((s) => [s, null]));
    for (const r of rows) keys.set(r.subject_id, openKey(this.ring, r));
    return keys;
  }

  /**
   * Destroys the subject's key and drops the snapshots that folded its values, in one
   * transaction. A snapshot sealed under the key concurrently is unreadable anyway.
   */
  async forget(pool: Pool, subjectId: string, at: Date): Promise<boolean> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rowCount } = await client.query(
        `update ${this.s}.personal_keys set key = null, wrapped = null, kek_id = null, forgotten_at = $2
          where subject_id = $1 and forgotten_at is null and (key is not null or wrapped is not null)`,
        [subjectId, at],
      );
      await client.query(`delete from ${this.s}.snapshots where $1 = any(subjects)`, [subjectId]);
      await client.query('commit');
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
