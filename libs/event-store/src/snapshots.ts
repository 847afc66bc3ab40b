/** A stored snapshot: the fold of a stream's first `streamVersion` events under `foldVersion`. */
export interface StoredSnapshot<S = unknown> {
  readonly streamVersion: number;
  /** Latest recordedAt among the folded events (ISO-8601 UTC). */
  readonly maxRecordedAt: string;
  readonly state: S;
}

/**
 * A snapshot may stand in for the first events of a fold only if it covers no event the
 * fold must leave out: none past the requested version, none recorded after the instant.
 */
export function snapshotUsable(snapshot: StoredSnapshot, maxVersion: number, recordedAtOrBefore: string | null): boolean {
  return snapshot.streamVersion <= maxVersion && (recordedAtOrBefore === null || snapshot.maxRecordedAt <= recordedAtOrBefore);
}

/** Take a new snapshot once `every` events have been folded on top of the last one. */
export function snapshotDue(every: number, fromVersion: number, toVersion: number): boolean {
  return every > 0 && toVersion - fromVersion >= every;
}
