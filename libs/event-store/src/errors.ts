/** Coded errors, so callers (and HTTP mappers) branch on `code`, not on message text. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export type ExpectedVersion = 'no_stream' | 'any' | number;

export class ConcurrencyError extends EventStoreError {
  readonly code = 'EVENT_STORE.CONCURRENCY';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual === 0 ? 'no_stream (0)' : actual}`);
    this.name = 'ConcurrencyError';
  }
}

export class InvalidStreamIdError extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_STREAM_ID';
  constructor(
    readonly streamId: string,
    reason: string,
  ) {
    super(`invalid stream id ${JSON.stringify(streamId)}: ${reason}`);
    this.name = 'InvalidStreamIdError';
  }
}

export class InvalidEventError extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** An event with this eventId is already stored: a retried command, or a colliding id. */
export class DuplicateEventError extends EventStoreError {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT';
  constructor(
    readonly streamId: string,
    readonly detail: string,
  ) {
    super(`stream ${streamId}: ${detail}`);
    this.name = 'DuplicateEventError';
  }
}

export class SubjectForgottenError extends EventStoreError {
  readonly code = 'EVENT_STORE.SUBJECT_FORGOTTEN';
  constructor(readonly subjectId: string) {
    super(`personal data subject ${subjectId} has been forgotten; no new personal data may be stored for it`);
    this.name = 'SubjectForgottenError';
  }
}

/**
 * The caller's transaction got its transaction id (at its first write) before another append
 * to this stream committed, so its events would read before that earlier version in the
 * global order. Nothing it wrote is committed: roll back and run the whole transaction again.
 */
export class StaleTransactionError extends EventStoreError {
  readonly code = 'EVENT_STORE.STALE_TRANSACTION';
  readonly retryable = true;
  constructor(readonly streamId: string) {
    super(`stream ${streamId}: another append committed after this transaction began writing; roll back and retry the transaction`);
    this.name = 'StaleTransactionError';
  }
}

/**
 * The connection was lost while an append was being committed, and the store could not
 * find out afterwards whether it was stored: look the events up by eventId before deciding again.
 */
export class AppendOutcomeUnknownError extends EventStoreError {
  readonly code = 'EVENT_STORE.APPEND_OUTCOME_UNKNOWN';
  constructor(
    readonly streamId: string,
    override readonly cause: unknown,
  ) {
    super(`stream ${streamId}: the append's outcome is unknown (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'AppendOutcomeUnknownError';
  }
}
