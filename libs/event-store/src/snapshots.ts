import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SubjectKey } from './personal-data';

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

/**
 * A snapshot state that folded personal values, sealed so that it is readable only while
 * every subject it folded still has its key: AES-256-GCM under a key derived (HKDF) from all
 * of those subjects' keys. Forgetting any one of them makes the whole snapshot unreadable —
 * in the table, in dead tuples and in backups — and the fold starts again from the events.
 */
export interface SealedState {
  /** Key id of each folded subject's key, in `subjects` order. */
  readonly kids: readonly string[];
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

function snapshotKey(keys: readonly SubjectKey[], subjects: readonly string[], aad: string): Buffer {
  const ikm = Buffer.concat(keys.map((k) => k.key));
  const info = `vanguard.snapshot|${subjects.join('\u0000')}|${keys.map((k) => k.keyId).join('\u0000')}`;
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.from(aad, 'utf8'), Buffer.from(info, 'utf8'), 32));
}

/** Seals `state` under the keys of `subjects` (sorted); `aad` binds it to its stream, fold and version. */
export function sealState(state: unknown, subjects: readonly string[], keys: ReadonlyMap<string, SubjectKey>, aad: string): SealedState {
  const ks = subjects.map((s) => {
    const k = keys.get(s);
    if (!k) throw new Error(`sealState: no key for ${s}`);
    return k;
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', snapshotKey(ks, subjects, aad), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return {
    kids: ks.map((k) => k.keyId),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** The sealed state, or undefined when a subject's key is gone (forgotten) or is no longer the key it was sealed under. */
export function openState(
  sealed: SealedState,
  subjects: readonly string[],
  keys: ReadonlyMap<string, SubjectKey | null>,
  aad: string,
): unknown {
  const ks: SubjectKey[] = [];
  for (let i = 0; i < subjects.length; i++) {
    const k = keys.get(subjects[i]!);
    if (!k || !Array.isArray(sealed.kids) || k.keyId !== sealed.kids[i]) return undefined;
    ks.push(k);
  }
  // A snapshot is a cache: one that does not open (corrupt, tampered, cut short) is a miss to fold
  // past and drop, never an error on every load of its stream.
  try {
    const decipher = createDecipheriv('aes-256-gcm', snapshotKey(ks, subjects, aad), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
