import * as crypto from 'node:crypto';

/** SHA-256 output size: every leaf, node and root hash is this long. */
export const HASH_SIZE = 32;

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
// crypto.hash (Node ≥ 20.12) skips the Hash object: about twice as fast for 65-byte node inputs,
// which is most of what proof verification and catch-up spend their time on.
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function sha256(data: Uint8Array): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d}) = SHA-256(0x00 ‖ d): the leaf of an event is its canonical text, UTF-8 encoded. */
export function leafHash(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') {
    // Encode the text straight behind the prefix byte: one UTF-8 pass, no intermediate buffer.
    const input = Buffer.allocUnsafe(1 + Buffer.byteLength(data, 'utf8'));
    input[0] = LEAF_PREFIX;
    input.write(data, 1, 'utf8');
    return sha256(input);
  }
  const input = Buffer.allocUnsafe(data.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);
scratch[0] = NODE_PREFIX;

/** SHA-256(0x01 ‖ left ‖ right). The 0x00/0x01 prefixes keep a leaf from passing for a node (second preimages). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return sha256(Buffer.concat([scratch.subarray(0, 1), left, right]));
  // One shared input buffer: sha256 copies what it reads, so reuse is safe and saves an allocation per node.
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return sha256(scratch);
}

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 (RFC 4648 §4) that accepts exactly one spelling per byte string. Node's
 * decoder ignores stray characters and the unused low bits of the last character, so two
 * texts could decode alike and a changed byte could go unnoticed; re-encoding closes that.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

// The base64 of 32 bytes has exactly one spelling: 42 free characters, one whose two low bits are zero, then '='.
const HASH_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** decodeBase64Strict for 32-byte hashes, without the re-encoding: proofs carry thousands of them. */
export function decodeHashBase64(text: string): Buffer | undefined {
  return HASH_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
