import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, sha256 } from '../tree/hashing';
import { isValidKeyName, MAX_SIGNATURES, NoteError } from './signed-note';

/**
 * C2SP tlog-cosignature v1 with Ed25519 (c2sp.org/tlog-cosignature): a witness's note signature
 * on a checkpoint, saying "as of this time, this is the largest consistent tree I have seen of
 * this log". It differs from a log's own signature in three ways, each checked here:
 * - the key id is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4] (algorithm byte 0x04, not 0x01),
 *   so a witness key can never pass for a log key nor the other way round;
 * - the signed message is `cosignature/v1\ntime <t>\n` followed by the whole checkpoint body;
 * - the signature line carries key id ‖ u64 big-endian timestamp ‖ 64-byte signature.
 */
export const COSIGNATURE_ALGORITHM = 0x04;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([COSIGNATURE_ALGORITHM]), publicKey])).readUInt32BE(0);
}

/** The exact bytes a v1 cosignature signs: header line, time line, then the checkpoint body (final newline included). */
export function cosignatureMessage(checkpointBody: string, time: number): Buffer {
  if (!Number.isSafeInteger(time) || time < 0) throw new NoteError('malformed', `bad cosignature time ${time}`);
  if (!checkpointBody.endsWith('\n')) throw new NoteError('malformed', 'a checkpoint body ends with a newline');
  return Buffer.from(`cosignature/v1\ntime ${time}\n${checkpointBody}`, 'utf8');
}

export interface CosignatureLine {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds the witness says it signed at. */
  readonly time: number;
  readonly signature: Buffer;
}

/** Reads `— <name> base64(key id ‖ u64 time ‖ signature)`; undefined when the line is not one (a log signature, another type). */
export function parseCosignatureLine(line: string): CosignatureLine | undefined {
  const m = /^— (\S+) (\S+)$/.exec(line.replace(/\n$/, ''));
  const raw = m ? decodeBase64Strict(m[2]!) : undefined;
  if (!m || raw?.length !== 4 + 8 + 64) return undefined;
  const time = raw.readBigUInt64BE(4);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { name: m[1]!, keyId: raw.readUInt32BE(0), time: Number(time), signature: raw.subarray(12) };
}

export class CosignatureVerifier {
  readonly keyId: number;
  private readonly key: KeyObject;
  constructor(
    readonly name: string,
    readonly publicKey: Buffer,
  ) {
    if (!isValidKeyName(name)) throw new NoteError('bad-key', `invalid witness name ${JSON.stringify(name)}`);
    if (publicKey.length !== 32) throw new NoteError('bad-key', 'an Ed25519 public key is 32 bytes');
    this.keyId = cosignatureKeyId(name, publicKey);
    this.key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  }

  /** `<name>+<key id>+<base64(0x04 ‖ public key)>`, the vkey form C2SP gives witness keys. */
  static parse(vkey: string): CosignatureVerifier {
    const parts = vkey.trim().split('+');
    const [name, id] = parts;
    const raw = parts.length >= 3 ? decodeBase64Strict(parts.slice(2).join('+')) : undefined;
    if (!/^[0-9a-f]{8}$/.test(id ?? '') || raw?.length !== 33 || raw[0] !== COSIGNATURE_ALGORITHM)
      throw new NoteError('bad-key', 'a witness key reads <name>+<8 hex digits>+<base64 of 0x04 and 32 key bytes>');
    const verifier = new CosignatureVerifier(name!, raw.subarray(1));
    if (hex8(verifier.keyId) !== id) throw new NoteError('bad-key', `the key id ${id} does not match the key (${hex8(verifier.keyId)})`);
    return verifier;
  }

  get vkey(): string {
    return `${this.name}+${hex8(this.keyId)}+${Buffer.concat([Buffer.from([COSIGNATURE_ALGORITHM]), this.publicKey]).toString('base64')}`;
  }

  /** Whether `line` is this witness's valid cosignature of `checkpointBody`; its time when it is. */
  verifyLine(checkpointBody: string, line: string): { time: number } | undefined {
    const c = parseCosignatureLine(line);
    if (!c || c.name !== this.name || c.keyId !== this.keyId) return undefined;
    return verify(null, cosignatureMessage(checkpointBody, c.time), this.key, c.signature) ? { time: c.time } : undefined;
  }
}

export class CosignatureSigner {
  readonly verifier: CosignatureVerifier;
  private readonly key: KeyObject;
  constructor(
    readonly name: string,
    private readonly seed: Buffer,
  ) {
    if (seed.length !== 32) throw new NoteError('bad-key', 'an Ed25519 seed is 32 bytes');
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.key).export({ format: 'der', type: 'spki' });
    this.verifier = new CosignatureVerifier(name, spki.subarray(SPKI_PREFIX.length));
  }

  /** `PRIVATE+KEY+<name>+<key id>+<base64(0x04 ‖ seed)>`. */
  static parse(skey: string): CosignatureSigner {
    const parts = skey.trim().split('+');
    const [p1, p2, name, id] = parts;
    const raw = parts.length >= 5 ? decodeBase64Strict(parts.slice(4).join('+')) : undefined;
    if (p1 !== 'PRIVATE' || p2 !== 'KEY' || !/^[0-9a-f]{8}$/.test(id ?? '') || raw?.length !== 33 || raw[0] !== COSIGNATURE_ALGORITHM)
      throw new NoteError('bad-key', 'a witness signer key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 of 0x04 and a 32-byte seed>');
    const signer = new CosignatureSigner(name!, raw.subarray(1));
    if (hex8(signer.verifier.keyId) !== id) throw new NoteError('bad-key', `the key id ${id} does not match the key`);
    return signer;
  }

  get skey(): string {
    const id = hex8(this.verifier.keyId);
    return `PRIVATE+KEY+${this.name}+${id}+${Buffer.concat([Buffer.from([COSIGNATURE_ALGORITHM]), this.seed]).toString('base64')}`;
  }

  /** The cosignature line (newline-terminated) for `checkpointBody` at POSIX second `time`. */
  cosign(checkpointBody: string, time: number): string {
    const head = Buffer.alloc(12);
    head.writeUInt32BE(this.verifier.keyId, 0);
    head.writeBigUInt64BE(BigInt(time), 4);
    const signature = sign(null, cosignatureMessage(checkpointBody, time), this.key);
    return `— ${this.name} ${Buffer.concat([head, signature]).toString('base64')}\n`;
  }
}

/** Splits a signed note into its body (final newline included) and its signature lines (without newlines). */
export function splitNote(note: string): { body: string; lines: string[] } {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) throw new NoteError('malformed', 'no blank line separates the text from the signatures');
  return { body: note.slice(0, at + 1), lines: note.slice(at + 2, -1).split('\n') };
}

/**
 * Which of `witnesses` cosigned `note` validly (one per witness, however many lines it has).
 * Lines of other keys are ignored, as C2SP asks of clients; the log's own signature is checked
 * separately (openCheckpoint). At most MAX_SIGNATURES lines, and only the first line of each
 * name and key id is verified, as openNote and Go's note.Open skip repeats (unlike them, a first
 * line that does not verify is passed over, not the whole note refused): a public endpoint took
 * 433 forged lines under one witness's name and paid an Ed25519 check for each (20 times the CPU).
 */
export function verifiedCosignatures(
  note: string,
  witnesses: readonly CosignatureVerifier[],
): { witness: CosignatureVerifier; line: string; time: number }[] {
  const { body, lines } = splitNote(note);
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed', `a note has at most ${MAX_SIGNATURES} signatures`);
  const found = new Map<CosignatureVerifier, { witness: CosignatureVerifier; line: string; time: number }>();
  const seen = new Set<string>();
  for (const line of lines) {
    const parsed = parseCosignatureLine(line);
    const key = parsed && `${parsed.name} ${parsed.keyId}`;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    for (const w of witnesses) {
      if (found.has(w)) continue;
      const ok = w.verifyLine(body, line);
      if (ok) found.set(w, { witness: w, line, time: ok.time });
    }
  }
  return [...found.values()];
}
