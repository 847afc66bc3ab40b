import type { RatingTally } from '@vanguard/contracts';

export const BALLOT_BOX = Symbol('BALLOT_BOX');

export type Rating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

/** What voting needs to know of a window, copied from its stream when codes are issued. */
export interface BallotBoxWindow {
  readonly windowId: string;
  readonly orgId: string;
  readonly eligibleVoters: number;
  readonly opensOn: string;
  readonly closesOn: string;
}

export type IssueResult =
  | { readonly kind: 'issued'; readonly codes: string[]; readonly issued: number }
  | { readonly kind: 'exceeds_voters'; readonly left: number }
  | { readonly kind: 'closed' };

/**
 * The anonymous ballot box (ADR 0027): codes exist only as keyed hashes, a ballot
 * carries no code, voter, time or order, and the code's deletion and the ballot's insertion
 * happen in one transaction with nothing that links them.
 */
export interface BallotBoxPort {
  /**
   * Issues `count` fresh one-time codes, returned in clear this once; refuses when the window
   * would then hold more codes than eligible voters, or its box is closed.
   */
  issueCodes(window: BallotBoxWindow, count: number): Promise<IssueResult>;
  /**
   * Voids those of `codes` still unused, while the window is open, and counts them off the codes
   * issued, so they no longer hold back the eligible voters; `voided` 0 once the box is closed.
   */
  voidCodes(windowId: string, codes: readonly string[]): Promise<{ voided: number; issued: number }>;
  /** Casts one ballot with `code`; false when the code is unknown, used, or the window not open on `today`. */
  cast(windowId: string, code: string, ballot: { rating: Rating; comment: string | null }, today: string): Promise<boolean>;
  /** Closes the box for good — every unused code is destroyed, ballots reshuffled — and counts it. */
  close(windowId: string): Promise<RatingTally>;
  /** Codes issued so far (0 for a window the box does not know). */
  codesIssued(windowId: string): Promise<number>;
  /** The comments of a closed box with their rating, in text order (never insertion order). */
  comments(windowId: string): Promise<{ rating: Rating; comment: string }[]>;
}
