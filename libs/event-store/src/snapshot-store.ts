import type { Pool } from 'pg';
import type { SubjectKey } from './personal-data';
import { KEY_COLUMNS, type KeyRow, type PersonalKeys } from './personal-keys';
import { openState, sealState, snapshotUsable, type SealedState } from './snapshots';
import { ISO } from './store-statements';

/** A fold of a stream's events, with what a snapshot of it needs. */
export interface FoldResult<S> {
  state: S;
  version: number;
  fromVersion: number;
  folded: number;
  maxRecordedAt: string;
  used: Map<string, SubjectKey | null>;
}

/**
 * The snapshots of one schema: a usable one opened under the keys of the subjects it folded,
 * and a new one sealed when personal values went into it.
 */
export class SnapshotStore {
  constructor(
    private readonly pool: Pool,
    private readonly s: string,
    private readonly personalKeys: PersonalKeys,
  ) {}

  /** The usable snapshot, opened; a sealed one that does not open (subject forgotten, row corrupt or tampered) is dropped and the fold starts over. */
  async load<S>(
    streamId: string,
    foldVersion: string,
    maxVersion: number,
    recordedAtOrBefore: string | null,
    used: Map<string, SubjectKey | null>,
  ): Promise<{ state: S; version: number; maxRecordedAt: string } | null> {
    // With the keys of the subjects it folded, one row per subject: one round trip.
    const { rows } = await this.pool.query<
      { stream_version: string; max_recorded_at: string; state: unknown; subjects: string[] } & KeyRow
    >(
      `select s.stream_version, to_char(s.max_recorded_at at time zone 'UTC', ${ISO}) as max_recorded_at, s.state, s.subjects, ${KEY_COLUMNS}
         from ${this.s}.snapshots s left join ${this.s}.personal_keys k on k.subject_id = any(s.subjects)
        where s.stream_id = $1 and s.fold_version = $2`,
      [streamId, foldVersion],
    );
    const row = rows[0];
    if (!row) return null;
    const snap = { streamVersion: Number(row.stream_version), maxRecordedAt: row.max_recorded_at, state: row.state };
    if (!snapshotUsable(snap, maxVersion, recordedAtOrBefore)) return null;
    if (row.subjects.length === 0) return { state: row.state as S, version: snap.streamVersion, maxRecordedAt: snap.maxRecordedAt };
    const keys = this.personalKeys.fromRows(
      row.subjects,
      rows.filter((r) => r.subject_id !== null),
    );
    const aad = snapshotAad(streamId, foldVersion, snap.streamVersion);
    const state = openState(row.state as SealedState, row.subjects, keys, aad);
    if (state === undefined) {
      await this.pool.query(`delete from ${this.s}.snapshots where stream_id = $1 and fold_version = $2 and stream_version = $3`, [
        streamId,
        foldVersion,
        snap.streamVersion,
      ]);
      return null;
    }
    for (const [subject, key] of keys) used.set(subject, key);
    return { state: state as S, version: snap.streamVersion, maxRecordedAt: snap.maxRecordedAt };
  }

  /**
   * Stores the state in clear only if no personal value went into it; otherwise sealed under
   * the keys that decrypted those values (not keys read again now: a subject forgotten in
   * between must not leave its values in a clear snapshot), with the subjects listed so
   * that `forget` drops it.
   */
  async save(streamId: string, foldVersion: string, r: FoldResult<unknown>): Promise<void> {
    const live = new Map<string, SubjectKey>();
    for (const [subject, key] of r.used) if (key) live.set(subject, key);
    const subjects = [...live.keys()].sort();
    const state = subjects.length === 0 ? r.state : sealState(r.state, subjects, live, snapshotAad(streamId, foldVersion, r.version));
    await this.pool.query(
      `insert into ${this.s}.snapshots as s (stream_id, fold_version, stream_version, max_recorded_at, state, subjects)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (stream_id, fold_version) do update
         set stream_version = excluded.stream_version, max_recorded_at = excluded.max_recorded_at,
             state = excluded.state, subjects = excluded.subjects, created_at = now()
         where s.stream_version < excluded.stream_version`,
      [streamId, foldVersion, r.version, r.maxRecordedAt, JSON.stringify(state), subjects],
    );
  }
}

/** Binds a sealed snapshot to its place: moved to another stream, fold or version it does not open. */
function snapshotAad(streamId: string, foldVersion: string, version: number): string {
  return `${streamId}\u0000${foldVersion}\u0000${version}`;
}
