import type { EventEnvelope } from '@vanguard/contracts';

/** Where a message came from; stored beside the inbox row for forensics. */
export interface MessageOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type InboxOutcome = 'processed' | 'duplicate';

/** One delivered event and where it came from. */
export interface InboxItem {
  readonly event: EventEnvelope;
  readonly origin: MessageOrigin;
}

/**
 * Exactly-once effects over at-least-once delivery: records (consumer, eventId) in the
 * same database transaction as the handler's effect. `TTx` is what the effect writes with
 * (a pg PoolClient, a TypeORM EntityManager).
 */
export interface Inbox<TTx> {
  /**
   * Runs `effect` in one transaction with the inbox row. Resolves `duplicate` (without
   * running `effect`) when this consumer already processed the event; rethrows (after
   * rolling both back) when `effect` throws; throws SwallowedDatabaseError when `effect`
   * returned but left the transaction aborted, and CommitRolledBackError when COMMIT did not
   * commit. It resolves `processed` only when the effect and the inbox row are stored.
   */
  processOnce(consumer: string, event: EventEnvelope, origin: MessageOrigin, effect: (tx: TTx) => Promise<void>): Promise<InboxOutcome>;

  /**
   * The same for several events in one transaction: claims all their inbox rows with one
   * statement, runs `effect` in order for each event not processed before (a repeat within
   * `items` counts as a duplicate), commits once. All or nothing: if any effect throws (or
   * leaves the transaction aborted: SwallowedDatabaseError naming its index), every effect and
   * inbox row rolls back and the error is rethrown; if COMMIT rolls back, CommitRolledBackError.
   * `finish`, when given, runs once after the last effect and before COMMIT, when anything was
   * new (the effects' deferred writes); if it throws, the whole batch rolls back as above.
   * Required (pass `undefined` for none): a wrapper that forwards the call without it would still
   * compile and commit the inbox rows while dropping the effects' deferred writes.
   */
  processBatch(
    consumer: string,
    items: readonly InboxItem[],
    effect: (tx: TTx, item: InboxItem, index: number) => Promise<void>,
    finish: ((tx: TTx) => Promise<void>) | undefined,
  ): Promise<InboxOutcome[]>;
}

/** Which items a batch claim won: the first occurrence of each eventId that came back from the insert. */
export function claimedIndexes(items: readonly InboxItem[], claimedEventIds: Iterable<string>): Set<number> {
  // Postgres returns uuids in lower case.
  const unclaimed = new Set(claimedEventIds);
  const claimed = new Set<number>();
  items.forEach((item, i) => {
    if (unclaimed.delete(item.event.eventId.toLowerCase())) claimed.add(i);
  });
  return claimed;
}

/**
 * An effect returned normally but left the transaction aborted: it caught a database error
 * (Postgres refuses every later statement and answers COMMIT with ROLLBACK, without raising).
 * Thrown for the effect that did it, as if the effect had thrown, so the consumer retries
 * and dead-letters that message and no other.
 */
export class SwallowedDatabaseError extends Error {
  constructor(
    readonly eventId: string,
    readonly index: number,
  ) {
    super(`the effect for event ${eventId} caught a database error and returned: its transaction is aborted and would not commit`);
    this.name = 'SwallowedDatabaseError';
  }
}

/**
 * COMMIT was answered with ROLLBACK: nothing of the transaction took effect. Raised by the
 * inbox itself, never by an effect, so no single message is to blame for it; and by
 * `checkedTransaction`, so a service's unit of work fails instead of reporting a lost command done.
 */
export class CommitRolledBackError extends Error {
  constructor() {
    // Said for every transaction that raises it (inbox batches, units of work, roster imports).
    super('the transaction was rolled back at COMMIT (a statement in it failed and its error was caught): nothing it wrote was stored');
    this.name = 'CommitRolledBackError';
  }
}

/**
 * pg's transaction status from the last ReadyForQuery: 'E' is a failed transaction block.
 * A hint, not proof: pg settles a failed query on the error, and the ReadyForQuery that
 * carries 'E' may arrive a moment later. So it names the guilty effect when it can, and the
 * answer to COMMIT (CommitRolledBackError) catches what it missed.
 */
export function transactionAborted(client: { getTransactionStatus?(): string | null }): boolean {
  return client.getTransactionStatus?.() === 'E';
}

/** Runs one effect and checks the transaction survived it (see SwallowedDatabaseError). */
export async function runEffect<TTx>(
  tx: TTx,
  aborted: () => boolean,
  item: InboxItem,
  index: number,
  effect: (tx: TTx, item: InboxItem, index: number) => Promise<void>,
): Promise<void> {
  await effect(tx, item, index);
  if (aborted()) throw new SwallowedDatabaseError(item.event.eventId, index);
}

/**
 * The body of a batch after its claim: runs `effect` in order for each claimed item and
 * reports the others as duplicates, then `finish` if anything was claimed. `claimed` is false
 * when nothing was new (nothing to commit).
 */
export async function runClaimed<TTx>(
  tx: TTx,
  aborted: () => boolean,
  items: readonly InboxItem[],
  claimedEventIds: Iterable<string>,
  effect: (tx: TTx, item: InboxItem, index: number) => Promise<void>,
  finish?: (tx: TTx) => Promise<void>,
): Promise<{ outcomes: InboxOutcome[]; claimed: boolean }> {
  const claimed = claimedIndexes(items, claimedEventIds);
  const outcomes: InboxOutcome[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!claimed.has(i)) {
      outcomes.push('duplicate');
      continue;
    }
    await runEffect(tx, aborted, items[i]!, i, effect);
    outcomes.push('processed');
  }
  if (claimed.size > 0 && finish) await finish(tx);
  return { outcomes, claimed: claimed.size > 0 };
}

/** Parameters of `inboxBatchClaimSql` for `items`. */
export function batchClaimParams(consumer: string, items: readonly InboxItem[]): unknown[] {
  return [
    consumer,
    items.map((i) => i.event.eventId),
    items.map((i) => i.event.type),
    items.map((i) => i.origin.topic),
    items.map((i) => i.origin.partition),
    items.map((i) => i.origin.offset),
  ];
}
