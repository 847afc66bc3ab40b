import type { EventEnvelope } from '@vanguard/contracts';

/** Where a message came from; stored beside the inbox row for forensics. */
export interface MessageOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type InboxOutcome = 'processed' | 'duplicate';

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
}
