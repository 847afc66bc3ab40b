import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IDEMPOTENCY_KEY_REQUIRED = 'vanguard:idempotency/key-required';
/** The operation's mark in the OpenAPI document, where documentIdempotencyKey makes the header required. */
export const KEY_REQUIRED_EXTENSION = 'x-idempotency-key-required';

/**
 * A route that moves money: a request without an `Idempotency-Key` is refused 400
 * `IDEMPOTENCY.KEY_REQUIRED` before it runs. Two equal allocations on one day may be genuine, so
 * the ledger cannot tell a retry from a second movement; only the client can, and a lost answer
 * retried without a key was a second entry (fifty identical requests made fifty, a hostile probe).
 * The OpenAPI document marks the header required on such a route. Such a route runs watching
 * its commits (libs/messaging commit-watch.ts), so a 503 for a database out of reach before
 * anything may have committed frees its key for the retry the 503 asks for: it must commit only
 * through watched statements (`checkedTransaction`, or a write sent through `mayCommit`). ADR 0072.
 */
export const IdempotencyKeyRequired = () =>
  applyDecorators(SetMetadata(IDEMPOTENCY_KEY_REQUIRED, true), ApiExtension(KEY_REQUIRED_EXTENSION, true));
