import { DEVELOPMENT_BALLOT_KEY, SERVICES, isProductionMode, portFromEnv } from '@vanguard/infra-config';
import type { BallotRateLimits } from './ballot-rate-limiter';

export const BALLOT_OPTIONS = Symbol('BALLOT_OPTIONS');

export interface BallotOptions {
  /** The HMAC key codes are hashed under; kept out of the database (ADR 0027). */
  readonly codeKey: string;
  /** The voting page a slip's QR code opens (the code follows in the fragment); by default this service's own `/vote`. */
  readonly voteUrl: string;
  readonly limits: BallotRateLimits;
}

const positive = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};

/**
 * From the environment: `VANGUARD_BALLOT_KEY`, `VANGUARD_VOTE_URL`,
 * `EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE` (default 120: a meeting hall behind one address)
 * and `EVALUATION_BALLOTS_PER_WINDOW_PER_SECOND` (default 2000).
 */
export function ballotOptionsFromEnv(): BallotOptions {
  const codeKey = process.env['VANGUARD_BALLOT_KEY'] ?? DEVELOPMENT_BALLOT_KEY;
  // The start-up check (productionProblems) names this first; this guard stays for callers that skip it.
  if (isProductionMode() && codeKey === DEVELOPMENT_BALLOT_KEY) {
    throw new Error('VANGUARD_BALLOT_KEY is the development key: set a secret of at least 32 random bytes');
  }
  return {
    codeKey,
    voteUrl: process.env['VANGUARD_VOTE_URL'] ?? `http://127.0.0.1:${portFromEnv(process.env, SERVICES.evaluation)}/vote`,
    limits: {
      perAddressPerMinute: positive('EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE', 120),
      perWindowPerSecond: positive('EVALUATION_BALLOTS_PER_WINDOW_PER_SECOND', 2000),
    },
  };
}
