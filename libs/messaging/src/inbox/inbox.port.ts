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
   * rolling both back) when `effect` throws.
   */
  processOnce(consumer: string, event: EventEnvelope, origin: MessageOrigin, effect: (tx: TTx) => Promise<void>): Promise<InboxOutcome>;

  /**
   * The same for several events in one transaction: claims all their inbox rows with one
   * statement, runs `effect` in order for each event not processed before (a repeat within
   * `items` counts as a duplicate), commits once. All or nothing: if any effect throws,
   * every effect and inbox row rolls back and the error is rethrown.
   */
  processBatch(
    consumer: string,
    items: readonly InboxItem[],
    effect: (tx: TTx, item: InboxItem, index: number) => Promise<void>,
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
 * The body of a batch after its claim: runs `effect` in order for each claimed item and
 * reports the others as duplicates. `claimed` is false when nothing was new (nothing to commit).
 */
export async function runClaimed<TTx>(
  tx: TTx,
  items: readonly InboxItem[],
  claimedEventIds: Iterable<string>,
  effect: (tx: TTx, item: InboxItem, index: number) => Promise<void>,
): Promise<{ outcomes: InboxOutcome[]; claimed: boolean }> {
  const claimed = claimedIndexes(items, claimedEventIds);
  const outcomes: InboxOutcome[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!claimed.has(i)) {
      outcomes.push('duplicate');
      continue;
    }
    await effect(tx, items[i]!, i);
    outcomes.push('processed');
  }
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
