import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { ContractRegistry, evaluationContracts } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { EventSigner } from '@vanguard/auth';
import { EventStoreRelayRunner, type EnvelopeSigner, messagingLoggerOf } from '@vanguard/messaging';

export interface EvaluationRelayOptions {
  readonly brokers: readonly string[];
  /** Checkpoint and lease name in the store; one instance per name publishes. Default `evaluation.kafka-relay`. */
  readonly name?: string;
  /** What may leave the store, and to which topic; default the evaluation contracts (`vanguard.evaluation.events.v1`). */
  readonly contracts?: ContractRegistry;
  /** The relay's idle fallback poll; wake-ups come from the store's append notification. */
  readonly idleDelayMs?: number;
  /** Default `evaluation`'s key from `EVALUATION_EVENT_SIGNING_KEY` (ADR 0059). */
  readonly signer?: EnvelopeSigner;
  /** Every event to this one topic instead of its contract's: a bench's own, never the platform's (default unset). */
  readonly topic?: string;
}

/** Only evaluation's own contracts: an event of another context in this store is a bug, kept as a refusal. */
export const evaluationRelayContracts = new ContractRegistry([...evaluationContracts]);

const logger = new Logger('EvaluationRelayRunner');

/** The evaluation store published to Kafka by the shared runner (libs/messaging, ADR 0005, ADR 0020). */
export class EvaluationRelayRunner extends EventStoreRelayRunner {
  constructor(store: PostgresEventStore, pool: Pool, options: EvaluationRelayOptions) {
    super(store, pool, {
      brokers: options.brokers,
      clientId: 'evaluation-relay',
      name: options.name ?? 'evaluation.kafka-relay',
      contracts: options.contracts ?? evaluationRelayContracts,
      signer: options.signer ?? EventSigner.forContext('evaluation'),
      ...(options.idleDelayMs ? { idleDelayMs: options.idleDelayMs } : {}),
      logger: messagingLoggerOf(logger, { info: false }),
      topic: options.topic,
    });
  }
}
