import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Crypto-shredding. Wrap a personal value with `personal(subjectId, value)` in an event's
 * data; before the event is hashed and stored the value is replaced by its AES-256-GCM
 * ciphertext under the subject's own key. `forget(subjectId)` destroys the key: the
 * ciphertext (and so the hash chain) stays, the value is gone for good.
 */
const PERSONAL = Symbol.for('vanguard.event-store.personal');
/** The stored (encrypted) shape. */
export const ENCRYPTED_KEY = '$personal';
/** What a forgotten value reads back as. */
export const FORGOTTEN_KEY = '$forgotten';

export interface PersonalValue<T = unknown> {
  readonly [PERSONAL]: true;
  readonly subjectId: string;
  readonly value: T;
}

export interface EncryptedValue {
  readonly [ENCRYPTED_KEY]: {
    readonly subject: string;
    /** The subject key's id; absent on values written before keys had ids. */
    readonly kid?: string;
    readonly iv: string;
    readonly ct: string;
    readonly tag: string;
  };
}

/** A subject's data key, unwrapped, with the id every ciphertext under it carries. */
export interface SubjectKey {
  readonly keyId: string;
  readonly key: Buffer;
}

export interface ForgottenValue {
  readonly [FORGOTTEN_KEY]: string;
}

/** Marks `value` as personal data of `subjectId` (a member id, say). */
export function personal<T>(subjectId: string, value: T): T {
  if (!subjectId) throw new TypeError('personal(): subjectId is required');
  // Typed as T so event data types stay as the domain declares them.
  return { [PERSONAL]: true, subjectId, value } as unknown as T;
}

export function isPersonal(v: unknown): v is PersonalValue {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[PERSONAL] === true;
}

export function isEncrypted(v: unknown): v is EncryptedValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ENCRYPTED_KEY in v && Object.keys(v).length === 1;
}

export function isForgotten(v: unknown): v is ForgottenValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && FORGOTTEN_KEY in v && Object.keys(v).length === 1;
}

/** Subjects whose personal values appear in `data` (wrapped, before encryption). */
export function personalSubjects(data: unknown, into = new Set<string>()): Set<string> {
  walk(data, (v) => {
    if (isPersonal(v)) {
      into.add(v.subjectId);
      return true;
    }
    return false;
  });
  return into;
}

/** Subjects whose encrypted values appear in stored `data`. */
export function encryptedSubjects(data: unknown, into = new Set<string>()): Set<string> {
  walk(data, (v) => {
    if (isEncrypted(v)) {
      into.add(v[ENCRYPTED_KEY].subject);
      return true;
    }
    return false;
  });
  return into;
}

export function encryptPersonal(data: unknown, keys: ReadonlyMap<string, SubjectKey>): unknown {
  return map(data, (v) => {
    if (!isPersonal(v)) return KEEP;
    const k = keys.get(v.subjectId);
    if (!k) throw new Error(`no key for personal data subject ${v.subjectId}`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k.key, iv);
    cipher.setAAD(Buffer.from(v.subjectId, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(v.value ?? null), 'utf8'), cipher.final()]);
    return {
      [ENCRYPTED_KEY]: {
        subject: v.subjectId,
        kid: k.keyId,
        iv: iv.toString('base64'),
        ct: ct.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      },
    };
  });
}

/** Decrypts what it has keys for; values whose key is gone read as `{ $forgotten: subjectId }`. */
export function decryptPersonal(data: unknown, keys: ReadonlyMap<string, SubjectKey | null>): unknown {
  return map(data, (v) => {
    if (!isEncrypted(v)) return KEEP;
    const { subject, kid, iv, ct, tag } = v[ENCRYPTED_KEY];
    const k = keys.get(subject);
    if (!k) return { [FORGOTTEN_KEY]: subject };
    // A subject has one key today; the id says which, so a re-keyed subject cannot be misread.
    if (kid !== undefined && kid !== k.keyId) throw new Error(`personal value of ${subject} is under key ${kid}, not ${k.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', k.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  });
}

/** Personal values anywhere in `v`, for refusing them where they may not go (the actor). */
export function hasPersonal(v: unknown): boolean {
  return personalSubjects(v).size > 0;
}

function walk(v: unknown, visit: (v: unknown) => boolean): void {
  if (typeof v !== 'object' || v === null) return;
  if (visit(v)) return;
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], visit);
}

const KEEP = Symbol('keep');

/** Rebuilds `v`, replacing nodes for which `replace` returns something other than KEEP; untouched subtrees are shared. */
function map(v: unknown, replace: (v: unknown) => unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const r = replace(v);
  if (r !== KEEP) return r;
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => {
      const y = map(x, replace);
      if (y !== x) changed = true;
      return y;
    });
    return changed ? out : v;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const y = map(x, replace);
    if (y !== x) changed = true;
    out[k] = y;
  }
  return changed ? out : v;
}
