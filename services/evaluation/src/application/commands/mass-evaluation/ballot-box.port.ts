import type { RatingTally } from '@vanguard/contracts';
import type { StreamContext } from '../../ports/streams.port';

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
 * An append to the window's stream inside the box's transaction: the trail line saying what the
 * box did commits with it, or neither does (ADR 0153). Refuses as the store does: a stream that
 * moved past `expectedVersion` (ConcurrentChangeError) or an append committed since the
 * transaction began writing (StaleTransactionError); the caller runs it all again on a fresh read.
 */
export type AppendInBoxTransaction = (
  streamId: string,
  events: readonly { type: string; data: unknown }[],
  expectedVersion: number,
  context: StreamContext,
) => Promise<number>;

/**
 * The anonymous ballot box (ADR 0027): codes exist only as keyed hashes, a ballot
 * carries no code, voter, time or order, and the code's deletion and the ballot's insertion
 * happen in one transaction with nothing that links them.
 */
export interface BallotBoxPort {
  /**
   * Issues `count` fresh one-time codes, returned in clear this once; refuses when the window
   * would then hold more codes than eligible voters, or its box is closed. `recordTrail` appends
   * the batch's trail line in the same transaction (`issued`: the window's codes so far, these
   * included); should it throw, no code was issued.
   */
  issueCodes(
    window: BallotBoxWindow,
    count: number,
    recordTrail: (append: AppendInBoxTransaction, issued: number) => Promise<void>,
  ): Promise<IssueResult>;
  /**
   * Voids those of `codes` still unused, while the window is open, and counts them off the codes
   * issued, so they no longer hold back the eligible voters; `voided` 0 once the box is closed.
   * When some were voided, `recordTrail` appends the trail line in the same transaction; should it
   * throw, none was.
   */
  voidCodes(
    windowId: string,
    codes: readonly string[],
    recordTrail: (append: AppendInBoxTransaction, voided: { voided: number; issued: number }) => Promise<void>,
  ): Promise<{ voided: number; issued: number }>;
  /** Casts one ballot with `code`; false when the code is unknown, used, or the window not open on `today`. */
  cast(windowId: string, code: string, ballot: { rating: Rating; comment: string | null }, today: string): Promise<boolean>;
  /** Closes the box for good — every unused code is destroyed, ballots reshuffled — and counts it. */
  close(windowId: string): Promise<RatingTally>;
  /** Codes issued so far (0 for a window the box does not know). */
  codesIssued(windowId: string): Promise<number>;
  /** The comments of a closed box with their rating, in text order (never insertion order). */
  comments(windowId: string): Promise<{ rating: Rating; comment: string }[]>;
}
