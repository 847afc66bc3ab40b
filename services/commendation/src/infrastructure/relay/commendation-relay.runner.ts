import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { ContractRegistry, commendationContracts } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { EventSigner } from '@vanguard/auth';
import { EventStoreRelayRunner, type EnvelopeSigner, messagingLoggerOf } from '@vanguard/messaging';

export interface CommendationRelayOptions {
  readonly brokers: readonly string[];
  /** Checkpoint and lease name in the store; one instance per name publishes. Default `commendation.kafka-relay`. */
  readonly name?: string;
  /** What may leave the store, and to which topic; default the commendation contracts (`vanguard.commendation.events.v1`). */
  readonly contracts?: ContractRegistry;
  /** The relay's idle fallback poll; wake-ups come from the store's append notification. */
  readonly idleDelayMs?: number;
  /** Default `commendation`'s key from `COMMENDATION_EVENT_SIGNING_KEY` (ADR 0059). */
  readonly signer?: EnvelopeSigner;
}

/** Only commendation's own contracts: an event of another context in this store is a bug, kept as a refusal. */
export const commendationRelayContracts = new ContractRegistry([...commendationContracts]);

const logger = new Logger('CommendationRelayRunner');

/** The commendation store published to Kafka by the shared runner (libs/messaging, ADR 0005, ADR 0020). */
export class CommendationRelayRunner extends EventStoreRelayRunner {
  constructor(store: PostgresEventStore, pool: Pool, options: CommendationRelayOptions) {
    super(store, pool, {
      brokers: options.brokers,
      clientId: 'commendation-relay',
      name: options.name ?? 'commendation.kafka-relay',
      contracts: options.contracts ?? commendationRelayContracts,
      signer: options.signer ?? EventSigner.forContext('commendation'),
      ...(options.idleDelayMs ? { idleDelayMs: options.idleDelayMs } : {}),
      logger: messagingLoggerOf(logger, { info: false }),
    });
  }
}
