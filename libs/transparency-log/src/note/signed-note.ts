import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, sha256 } from '../tree/hashing';

/**
 * C2SP signed notes (c2sp.org/signed-note, the format of golang.org/x/mod/sumdb/note) with
 * Ed25519 keys. A note is UTF-8 text ending in a newline, a blank line, then one line per
 * signature: `— <key name> <base64(key id ‖ signature)>`. The key id is the first four bytes
 * of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key), so a signature names the key it needs.
 */
export const ED25519_ALGORITHM = 0x01;

// Ed25519 keys as DER around their 32 raw bytes (RFC 8410), which Node's KeyObject needs.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE_PREFIX = '— ';

export class NoteError extends Error {
  constructor(
    readonly reason: 'malformed' | 'bad-key' | 'no-known-signature' | 'bad-signature',
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

/** Non-empty, no Unicode white space, no '+' (the key encodings split on it). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && (name as unknown as { isWellFormed?: () => boolean }).isWellFormed?.() !== false;
}

export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519_ALGORITHM]), publicKey]));
  return digest.readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

export class NoteVerifier {
  readonly keyId: number;
  private readonly key: KeyObject;

  constructor(
    readonly name: string,
    readonly publicKey: Buffer,
  ) {
    if (!isValidKeyName(name)) throw new NoteError('bad-key', `invalid key name ${JSON.stringify(name)}`);
    if (publicKey.length !== 32) throw new NoteError('bad-key', 'an Ed25519 public key is 32 bytes');
    this.keyId = noteKeyId(name, publicKey);
    this.key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  }

  /** `<name>+<key id, 8 hex digits>+<base64(0x01 ‖ public key)>`, checked as strictly as Go's NewVerifier. */
  static parse(vkey: string): NoteVerifier {
    // Split as Go's strings.Cut does: the key's base64 may itself contain '+'.
    const [name, id, key] = cut(vkey, 3);
    const raw = key === undefined ? undefined : decodeBase64Strict(key);
    if (!/^[0-9a-f]{8}$/.test(id ?? '') || raw === undefined || raw.length !== 33 || raw[0] !== ED25519_ALGORITHM)
      throw new NoteError('bad-key', 'a verifier key reads <name>+<8 hex digits>+<base64 of 0x01 and 32 key bytes>');
    const verifier = new NoteVerifier(name!, raw.subarray(1));
    if (hex8(verifier.keyId) !== id) throw new NoteError('bad-key', `the key id ${id} does not match the key (${hex8(verifier.keyId)})`);
    return verifier;
  }

  /** The vkey text an operator publishes and an auditor pins. */
  get vkey(): string {
    return `${this.name}+${hex8(this.keyId)}+${Buffer.concat([Buffer.from([ED25519_ALGORITHM]), this.publicKey]).toString('base64')}`;
  }

  verify(message: Uint8Array, signature: Uint8Array): boolean {
    return signature.length === 64 && verify(null, message, this.key, signature);
  }
}

export class NoteSigner {
  readonly verifier: NoteVerifier;
  private readonly key: KeyObject;

  constructor(
    readonly name: string,
    private readonly seed: Buffer,
  ) {
    if (seed.length !== 32) throw new NoteError('bad-key', 'an Ed25519 seed is 32 bytes');
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.key).export({ format: 'der', type: 'spki' });
    this.verifier = new NoteVerifier(name, spki.subarray(SPKI_PREFIX.length));
  }

  /** `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`, the skey form of golang.org/x/mod/sumdb/note. */
  static parse(skey: string): NoteSigner {
    const [p1, p2, name, id, key] = cut(skey, 5);
    const raw = key === undefined ? undefined : decodeBase64Strict(key);
    if (p1 !== 'PRIVATE' || p2 !== 'KEY' || !/^[0-9a-f]{8}$/.test(id ?? '') || raw?.length !== 33 || raw[0] !== ED25519_ALGORITHM)
      throw new NoteError('bad-key', 'a signer key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 of 0x01 and a 32-byte seed>');
    const signer = new NoteSigner(name!, raw.subarray(1));
    if (hex8(signer.keyId) !== id) throw new NoteError('bad-key', `the key id ${id} does not match the key (${hex8(signer.keyId)})`);
    return signer;
  }

  get keyId(): number {
    return this.verifier.keyId;
  }

  get skey(): string {
    return `PRIVATE+KEY+${this.name}+${hex8(this.keyId)}+${Buffer.concat([Buffer.from([ED25519_ALGORITHM]), this.seed]).toString('base64')}`;
  }

  /** The signature line for `text` (the note text, final newline included). */
  signatureLine(text: string): string {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(this.keyId);
    const signature = sign(null, Buffer.from(text, 'utf8'), this.key);
    return `${SIGNATURE_PREFIX}${this.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
  }
}

/** Signs `text` (which must end in a newline): text, a blank line, one signature line per signer. */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  checkText(text);
  return `${text}\n${signers.map((s) => s.signatureLine(text)).join('')}`;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
}

export interface OpenedNote {
  readonly text: string;
  readonly verified: readonly NoteSignature[];
  readonly unverified: readonly NoteSignature[];
}

/** Go's note.Open refuses a note with more signature lines than this. */
export const MAX_SIGNATURES = 100;

/**
 * Parses a signed note and checks every signature by a key in `verifiers` (matched by name
 * and key id). Throws `NoteError`: `malformed`, `bad-signature` (a known key's signature
 * fails), `no-known-signature` (no signature by any of the keys). Signatures by other keys
 * are listed as unverified, as C2SP allows cosignatures. A repeated (name, key id) is read once.
 */
export function openNote(message: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  // Control characters other than newline are refused, as Go's note.Open does.
  if (hasControlCharacter(message)) throw new NoteError('malformed', 'the note contains a control character');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'no blank line separates the text from the signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2);
  if (lines.length === 0 || !lines.endsWith('\n')) throw new NoteError('malformed', 'the signature block must end with a newline');
  const signatureLines = lines.slice(0, -1).split('\n');
  // As Go's note.Open: a note is not made to cost a verification per line it can repeat.
  if (signatureLines.length > MAX_SIGNATURES) throw new NoteError('malformed', `a note has at most ${MAX_SIGNATURES} signatures`);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of signatureLines) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw new NoteError('malformed', `a signature line must start with "— ": ${JSON.stringify(line)}`);
    const [name, b64, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const raw = b64 === undefined ? undefined : decodeBase64Strict(b64);
    if (rest.length > 0 || !isValidKeyName(name ?? '') || raw === undefined || raw.length < 5)
      throw new NoteError('malformed', `malformed signature line ${JSON.stringify(line)}`);
    const keyId = raw.readUInt32BE(0);
    if (seen.has(`${name} ${keyId}`)) continue;
    seen.add(`${name} ${keyId}`);
    const verifier = verifiers.find((v) => v.name === name && v.keyId === keyId);
    if (verifier === undefined) {
      unverified.push({ name: name!, keyId });
      continue;
    }
    if (!verifier.verify(Buffer.from(text, 'utf8'), raw.subarray(4)))
      throw new NoteError('bad-signature', `the signature of key ${name}+${hex8(keyId)} does not verify`);
    verified.push({ name: name!, keyId });
  }
  if (verified.length === 0)
    throw new NoteError('no-known-signature', `no signature by ${verifiers.map((v) => v.vkey).join(', ') || 'any trusted key'}`);
  return { text, verified, unverified };
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'a note text ends with a newline');
  if (hasControlCharacter(text)) throw new NoteError('malformed', 'the note text contains a control character');
}

/** A character below U+0020 other than a newline (Go's note.Open refuses those). */
export function hasControlCharacter(text: string, newlineAllowed = true): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(newlineAllowed && c === 0x0a)) return true;
  }
  return false;
}

/** The first n-1 '+'-separated fields and the rest (undefined where missing). */
function cut(text: string, n: number): (string | undefined)[] {
  const parts = text.split('+');
  return [...parts.slice(0, n - 1), parts.length >= n ? parts.slice(n - 1).join('+') : undefined];
}
