import { randomInt } from 'node:crypto';
import type { TrackingCodesPort } from '../../application/ports/tracking-codes.port';

// No 0/O or 1/I: a code read out over the phone should not be misheard.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 32^12 ≈ 10^18 codes: guessing someone's objection is hopeless at any rate limit. */
export class RandomTrackingCodes implements TrackingCodesPort {
  next(): string {
    const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${group()}-${group()}-${group()}`;
  }
}
