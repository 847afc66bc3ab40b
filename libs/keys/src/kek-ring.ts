import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A key-encryption key: only ever wraps data keys, never data. */
export interface Kek {
  readonly id: string;
  readonly key: Buffer;
}

/** The id of the key used when the operator gives none; `isDevelopmentKey()` reports it. */
export const DEVELOPMENT_KEK_ID = 'dev-insecure';
// Public by construction (it is in the source), so it protects nothing: development only.
const DEVELOPMENT_KEK: Kek = {
  id: DEVELOPMENT_KEK_ID,
  key: createHash('sha256').update('vanguard-development-key-encryption-key').digest(),
};

// No dots: key ids travel inside dot-separated ciphertexts.
const KEK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const IV = 12;
const TAG = 16;

export class UnknownKekError extends Error {
  constructor(readonly kekId: string) {
    super(
      `data key is wrapped under key-encryption key "${kekId}", which this process does not have: ` +
        `add it to VANGUARD_KEK_PREVIOUS until \`npm run keys:rotate\` has re-wrapped every key`,
    );
    this.name = 'UnknownKekError';
  }
}

/**
 * The operator's key-encryption keys: one active (wraps every new data key) and the previous
 * ones still accepted for unwrapping while a rotation re-wraps what they wrapped.
 */
export class KekRing {
  private readonly byId = new Map<string, Kek>();

  constructor(
    readonly active: Kek,
    previous: readonly Kek[] = [],
  ) {
    for (const k of [active, ...previous]) {
      if (!KEK_ID.test(k.id)) throw new TypeError(`key-encryption key id ${JSON.stringify(k.id)} must match ${KEK_ID}`);
      if (k.key.length !== 32) throw new TypeError(`key-encryption key "${k.id}" must be 32 bytes`);
      const known = this.byId.get(k.id);
      if (known && !known.key.equals(k.key)) throw new TypeError(`two different key-encryption keys share the id "${k.id}"`);
      this.byId.set(k.id, k);
    }
  }

  /** True when the active key is the built-in development key. */
  get development(): boolean {
    return this.active.id === DEVELOPMENT_KEK_ID;
  }

  has(kekId: string): boolean {
    return this.byId.has(kekId);
  }

  /**
   * AES-256-GCM under the active KEK; `context` (what the key is for: its owner and id) is
   * authenticated, so a wrapped key copied onto another row does not unwrap there.
   */
  wrap(dataKey: Buffer, context: string): { kekId: string; wrapped: Buffer } {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId: this.active.id, wrapped: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  unwrap(kekId: string, wrapped: Buffer, context: string): Buffer {
    const kek = this.byId.get(kekId);
    if (!kek) throw new UnknownKekError(kekId);
    const decipher = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, IV));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(wrapped.subarray(IV + TAG)), decipher.final()]);
  }
}

/** `<id>:<base64 of 32 bytes>`, as VANGUARD_KEK and each entry of VANGUARD_KEK_PREVIOUS are written. */
export function parseKek(text: string, variable = 'VANGUARD_KEK'): Kek {
  const at = text.indexOf(':');
  const id = at > 0 ? text.slice(0, at).trim() : '';
  const key = Buffer.from(at > 0 ? text.slice(at + 1).trim() : '', 'base64');
  if (!KEK_ID.test(id) || key.length !== 32) {
    throw new TypeError(
      `${variable} must be "<id>:<base64 of 32 random bytes>" (id: letters, digits, _ -), e.g. "${formatKek(newKek('kek-2026-11'))}"`,
    );
  }
  if (id === DEVELOPMENT_KEK_ID) throw new TypeError(`${variable}: the id "${DEVELOPMENT_KEK_ID}" is reserved for the development key`);
  return { id, key };
}

export function formatKek(kek: Kek): string {
  return `${kek.id}:${kek.key.toString('base64')}`;
}

/** A fresh random KEK, for an operator generating one (`npm run keys:rotate -- --generate <id>`). */
export function newKek(id: string): Kek {
  return { id, key: randomBytes(32) };
}

/** A fresh random 256-bit data key. */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

/**
 * VANGUARD_KEK (active) and VANGUARD_KEK_PREVIOUS (comma-separated, still unwrapped during a
 * rotation). Without VANGUARD_KEK the development key is active; the previous keys can name
 * it so a development database moves to a real key with one rotation.
 */
export function kekRingFromEnv(env: NodeJS.ProcessEnv = process.env): KekRing {
  const active = env['VANGUARD_KEK']?.trim() ? parseKek(env['VANGUARD_KEK']) : DEVELOPMENT_KEK;
  const previous = (env['VANGUARD_KEK_PREVIOUS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s === DEVELOPMENT_KEK_ID ? DEVELOPMENT_KEK : parseKek(s, 'VANGUARD_KEK_PREVIOUS')));
  return new KekRing(active, previous);
}

/**
 * True when personal data would be protected by the built-in development key (no
 * VANGUARD_KEK): the production-mode check refuses to start then. Throws on a malformed key.
 */
export function isDevelopmentKey(env: NodeJS.ProcessEnv = process.env): boolean {
  return kekRingFromEnv(env).development;
}
