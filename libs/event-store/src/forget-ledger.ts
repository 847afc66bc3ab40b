import { open } from 'node:fs/promises';
import type { Pool } from 'pg';
import { assertIdentifier } from './schema';

/**
 * One `forget`, as the operator keeps it outside the database: restoring a backup brings
 * back every key forgotten after the backup was taken, and re-applying the ledger is what
 * forgets those people again (docs/operations.md, "Keys").
 */
export interface ForgetLedgerEntry {
  readonly schema: string;
  readonly subjectId: string;
  readonly at: Date;
}

/** Where `forget` records what it forgets, before it forgets it (EventStoreOptions.forgetLedger). */
export type ForgetLedger = (entry: ForgetLedgerEntry) => Promise<void>;

/** One JSON object a line: subject ids are free text, a line stays one entry whatever they hold. */
export function formatForgetLedgerEntry(e: ForgetLedgerEntry): string {
  return `${JSON.stringify({ at: e.at.toISOString(), schema: e.schema, subject: e.subjectId })}\n`;
}

/** Reads a ledger file's text; a line it cannot read is an error naming the line, never skipped. */
export function parseForgetLedger(text: string): ForgetLedgerEntry[] {
  const out: ForgetLedgerEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: { at?: unknown; schema?: unknown; subject?: unknown };
    try {
      v = JSON.parse(line) as typeof v;
    } catch {
      throw new Error(`forget ledger line ${i + 1}: not JSON`);
    }
    const at = typeof v.at === 'string' ? new Date(v.at) : null;
    if (!at || Number.isNaN(at.getTime()) || typeof v.schema !== 'string' || typeof v.subject !== 'string' || !v.subject) {
      throw new Error(`forget ledger line ${i + 1}: needs "at" (ISO time), "schema" and "subject"`);
    }
    out.push({ schema: v.schema, subjectId: v.subject, at });
  });
  return out;
}

/** A ledger appended to a file (keep it on storage that is backed up apart from the database). */
export function fileForgetLedger(path: string): ForgetLedger {
  return async (e) => {
    const file = await open(path, 'a');
    try {
      await file.write(formatForgetLedgerEntry(e), null, 'utf8');
      // On disk before the key is destroyed: an entry the crash lost would be a person a restore brings back.
      await file.sync();
    } finally {
      await file.close();
    }
  };
}

export interface ReapplyReport {
  /** Keys that were live again (a restored backup) and are destroyed again. */
  readonly reforgotten: number;
  /** Subjects with no key row (restored from before they had one): a forgotten row, so no append makes them a new key. */
  readonly tombstoned: number;
  readonly alreadyForgotten: number;
}

/**
 * Forgets again everyone in `entries` (after restoring a backup), as `forget` does: keys
 * destroyed and the snapshots that folded them deleted, in one transaction per schema.
 * Idempotent: running it twice changes nothing the second time.
 */
export async function reapplyForgets(pool: Pool, entries: readonly ForgetLedgerEntry[]): Promise<ReapplyReport> {
  const bySchema = new Map<string, Map<string, Date>>();
  for (const e of entries) {
    const subjects = bySchema.get(e.schema) ?? new Map<string, Date>();
    const seen = subjects.get(e.subjectId);
    if (!seen || e.at < seen) subjects.set(e.subjectId, e.at);
    bySchema.set(e.schema, subjects);
  }
  let reforgotten = 0;
  let tombstoned = 0;
  let alreadyForgotten = 0;
  for (const [schema, subjects] of bySchema) {
    const s = `"${assertIdentifier(schema, 'schema')}"`;
    const ids = [...subjects.keys()];
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ inserted: boolean }>(
        `insert into ${s}.personal_keys as k (subject_id, forgotten_at)
         select * from unnest($1::text[], $2::timestamptz[])
         on conflict (subject_id) do update set key = null, wrapped = null, kek_id = null, forgotten_at = excluded.forgotten_at
          where k.forgotten_at is null
         returning (xmax = 0) as inserted`,
        [ids, ids.map((id) => subjects.get(id)!)],
      );
      await client.query(`delete from ${s}.snapshots where subjects && $1::text[]`, [ids]);
      await client.query('commit');
      const inserted = rows.filter((r) => r.inserted).length;
      tombstoned += inserted;
      reforgotten += rows.length - inserted;
      alreadyForgotten += ids.length - rows.length;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  return { reforgotten, tombstoned, alreadyForgotten };
}
