import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import type { Kek } from '@vanguard/keys';
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

/** What a snapshot authenticates besides its place: the state and the time of its newest event, which decides what as-of reads it serves. */
interface TimedState {
  readonly state: unknown;
  readonly maxRecordedAt: string;
}

/**
 * Added to a sealed snapshot's place when it is sealed, so that one sealed before the time went
 * inside it (a bare state) does not open: it is dropped as a miss, not served with a time that
 * anyone who can write the table could have moved.
 */
const SEALED_WITH_TIME = '\u0000with-time';

/**
 * A state with no personal value in it, kept in clear with a MAC: the text of `{state,
 * maxRecordedAt}` as saved, and an HMAC of it and the snapshot's place under a key derived from
 * the active key-encryption key. A handler decides on what a load returns (a unit's places), so a
 * row rewritten by anyone holding only the database — the events are hash-chained, this table is
 * not — must read as a miss, not as the stream's state.
 */
interface ClearState {
  readonly kek: string;
  readonly text: string;
  readonly mac: string;
}

/**
 * The snapshots of one schema: a usable one opened under the keys of the subjects it folded
 * (or, with none, checked against its MAC), and a new one sealed when personal values went into
 * it. One that does not open or check is dropped and the fold starts over from the events.
 */
export class SnapshotStore {
  private readonly macKey: Buffer;

  constructor(
    private readonly pool: Pool,
    private readonly s: string,
    private readonly personalKeys: PersonalKeys,
    private readonly kek: Kek,
  ) {
    this.macKey = Buffer.from(hkdfSync('sha256', kek.key, Buffer.from('vanguard.snapshot-mac'), Buffer.from(s), 32));
  }

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
    const drop = async () => {
      await this.pool.query(`delete from ${this.s}.snapshots where stream_id = $1 and fold_version = $2 and stream_version = $3`, [
        streamId,
        foldVersion,
        snap.streamVersion,
      ]);
      return null;
    };
    const aad = snapshotAad(streamId, foldVersion, snap.streamVersion);
    if (row.subjects.length === 0) {
      const clear = this.checked(row.state, aad);
      if (!clear) return drop();
      // The MACed time decides, not the column's: a rewritten column could make a snapshot that
      // covers later events look usable for an earlier instant. Such a read folds from the events.
      if (!snapshotUsable({ ...snap, maxRecordedAt: clear.maxRecordedAt }, maxVersion, recordedAtOrBefore)) return null;
      return { state: clear.state as S, version: snap.streamVersion, maxRecordedAt: clear.maxRecordedAt };
    }
    const keys = this.personalKeys.fromRows(
      row.subjects,
      rows.filter((r) => r.subject_id !== null),
    );
    const sealed = openState(row.state as SealedState, row.subjects, keys, aad + SEALED_WITH_TIME) as TimedState | undefined;
    if (sealed === undefined) return drop();
    // As for a clear one: the sealed time decides, not the column's.
    if (!snapshotUsable({ ...snap, maxRecordedAt: sealed.maxRecordedAt }, maxVersion, recordedAtOrBefore)) return null;
    for (const [subject, key] of keys) used.set(subject, key);
    return { state: sealed.state as S, version: snap.streamVersion, maxRecordedAt: sealed.maxRecordedAt };
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
    const aad = snapshotAad(streamId, foldVersion, r.version);
    const timed: TimedState = { state: r.state, maxRecordedAt: r.maxRecordedAt };
    const state = subjects.length === 0 ? this.clear(timed, aad) : sealState(timed, subjects, live, aad + SEALED_WITH_TIME);
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

  private clear(timed: TimedState, aad: string): ClearState {
    const text = JSON.stringify(timed);
    return { kek: this.kek.id, text, mac: this.mac(aad, text).toString('base64') };
  }

  /** The state and its time if the MAC checks under the active key; undefined otherwise (tampered, corrupt, older format or key). */
  private checked(stored: unknown, aad: string): TimedState | undefined {
    const c = stored as Partial<ClearState> | null;
    if (!c || c.kek !== this.kek.id || typeof c.text !== 'string' || typeof c.mac !== 'string') return undefined;
    const given = Buffer.from(c.mac, 'base64');
    const expected = this.mac(aad, c.text);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(c.text) as TimedState;
    } catch {
      return undefined;
    }
  }

  private mac(aad: string, text: string): Buffer {
    return createHmac('sha256', this.macKey).update(aad).update('\u0000').update(text).digest();
  }
}

/** Binds a sealed snapshot to its place: moved to another stream, fold or version it does not open. */
function snapshotAad(streamId: string, foldVersion: string, version: number): string {
  return `${streamId}\u0000${foldVersion}\u0000${version}`;
}
