import type { Actor, EventEnvelope } from '@vanguard/contracts';
import type { ExpectedVersion } from './errors';

export interface Clock {
  now(): Date;
}
export type IdGenerator = () => string;

/** An event as a decider emits it; the store completes the envelope. */
export interface NewEvent<TData = unknown, TType extends string = string> {
  readonly type: TType;
  /** Schema version of `data`; 1 unless given. */
  readonly version?: number;
  readonly data: TData;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Lower-case uuid; generated when absent. */
  readonly eventId?: string;
  /** When it happened in the world; the recording time when absent. */
  readonly occurredAt?: string | Date;
}

/** Who and why, shared by the events of one append (one command). */
export interface AppendContext {
  readonly actor: Actor;
  readonly orgId: string;
  readonly correlationId: string;
  readonly causationId?: string | null;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append: pass it as the next expectedVersion. */
  readonly nextExpectedVersion: number;
  readonly positions: readonly number[];
  readonly transactionId: string;
  readonly lastHash: string;
}

/** An envelope as stored: plus its global position, writing transaction and chain links. */
export interface RecordedEvent<TData = unknown, TType extends string = string> extends EventEnvelope<TData, TType> {
  readonly position: number;
  readonly transactionId: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** A place in the global order: events are ordered by (transactionId, position). */
export interface GlobalCheckpoint {
  readonly transactionId: string;
  readonly position: number;
}

export const START: GlobalCheckpoint = Object.freeze({ transactionId: '0', position: 0 });

export interface EventBatch {
  readonly events: readonly RecordedEvent[];
  /** The checkpoint after the batch's last event: resume from here. */
  readonly checkpoint: GlobalCheckpoint;
  /**
   * Set on an empty page when events past the checkpoint have committed: not readable when the
   * page was read, because an older transaction was still open, or readable since it ended. They
   * will be readable soon, so a reader should look again shortly rather than wait for the next
   * notification or poll (the end of that transaction sends none).
   */
  readonly heldBack?: boolean;
}

/** The shape of a decider's fold (libs/kernel's Decider), so a decider can be passed as it is. */
export interface Fold<S, E extends RecordedEvent = RecordedEvent> {
  initialState(): S;
  evolve(state: S, event: E): S;
}

/** Snapshot every `every` events, keyed by `foldVersion`: bump it whenever evolve changes. */
export interface SnapshotPolicy {
  readonly foldVersion: string;
  readonly every: number;
}

export interface Folded<S> {
  readonly state: S;
  /** Version of the last event folded in (0: none). */
  readonly version: number;
}

export type AsOf = { readonly recordedAt: Date | string } | { readonly version: number };

export type VerifyScope =
  { readonly stream: string } | { readonly fromPosition: number; readonly toPosition: number } | Record<string, never>;

/**
 * hash_mismatch: the stored text does not hash to the stored hash; prev_hash_mismatch: the
 * link to the previous event is broken; version_gap: an event is missing; head_mismatch: the
 * stream head disagrees with the last event (a deleted tail) or a stream with events has no head
 * row (found: 'no head row'); column_mismatch: a queryable
 * column no longer says what the hashed text says; position_mismatch / transaction_id_mismatch:
 * the column would make readers of "all" see the stream out of version order, or (a
 * transaction id this cluster has not assigned) not see the event at all.
 */
export type BrokenLinkReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'version_gap'
  | 'head_mismatch'
  | 'column_mismatch'
  | 'position_mismatch'
  | 'transaction_id_mismatch';

export interface BrokenLink {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number | null;
  readonly reason: BrokenLinkReason;
  readonly expected: string;
  readonly found: string;
}

export type VerificationReport =
  | { readonly ok: true; readonly checkedEvents: number; readonly checkedStreams: number }
  | { readonly ok: false; readonly checkedEvents: number; readonly checkedStreams: number; readonly broken: BrokenLink };

export type { ExpectedVersion };
