import { createHmac, randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O, U, so a code read aloud or retyped survives.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 16; // 80 random bits

/** A fresh one-time code, `XXXX-XXXX-XXXX-XXXX`, from the system's CSPRNG. */
export function newBallotCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < CODE_CHARS; i++) {
    out = ALPHABET[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** What a voter typed, as the code it means: case, spaces and dashes ignored; O→0, I/L→1. */
export function normaliseBallotCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return s.length === CODE_CHARS && [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

/**
 * The only form in which a code is stored: HMAC-SHA256 under the service's ballot key, bound
 * to its window. Without the key a database copy cannot test whether a code seen on a sheet
 * is still unused; with it, 80 random bits still cannot be enumerated.
 */
export function ballotCodeHash(key: string, windowId: string, normalisedCode: string): Buffer {
  return createHmac('sha256', key).update(`${windowId}:${normalisedCode}`).digest();
}
