import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { ContractRegistry, evaluationContracts } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { EventStoreRelaySource, Relay, ensureTopics, type RelayStats } from '@vanguard/messaging';

export interface EvaluationRelayOptions {
  readonly brokers: readonly string[];
  /** Checkpoint and lease name in the store; one instance per name publishes. Default `evaluation.kafka-relay`. */
  readonly name?: string;
  /** What may leave the store, and to which topic; default the evaluation contracts (`vanguard.evaluation.events.v1`). */
  readonly contracts?: ContractRegistry;
  /** The relay's idle fallback poll; wake-ups come from the store's append notification. */
  readonly idleDelayMs?: number;
}

/** Only evaluation's own contracts: an event of another context in this store is a bug, kept as a refusal. */
export const evaluationRelayContracts = new ContractRegistry([...evaluationContracts]);

/**
 * Publishes the evaluation store to Kafka (ADR 0005, ADR 0020): each committed event as its
 * contract's public form, keyed by stream, in the store's global order; a refused event goes
 * to the store schema's `vanguard_relay_dead_letters`. Replicas stand by on the relay's lock.
 */
export class EvaluationRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EvaluationRelayRunner.name);
  private relay: Relay | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    private readonly options: EvaluationRelayOptions,
  ) {}

  get stats(): RelayStats | undefined {
    return this.relay?.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async start(): Promise<void> {
    if (this.relay) return;
    const contracts = this.options.contracts ?? evaluationRelayContracts;
    const kafka = new Kafka({ clientId: 'evaluation-relay', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING });
    try {
      await ensureTopics(kafka, contracts.topics());
    } catch (e) {
      // Kafka may be down at boot: the relay retries on its own, and the events wait in the store.
      this.logger.warn(`could not ensure topics: ${e instanceof Error ? e.message : String(e)}`);
    }
    const source = new EventStoreRelaySource(this.store, this.pool, { contracts, name: this.options.name ?? 'evaluation.kafka-relay' });
    this.relay = new Relay({ source, kafka, ...(this.options.idleDelayMs ? { idleDelayMs: this.options.idleDelayMs } : {}) });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    const relay = this.relay;
    this.relay = undefined;
    await relay?.stop();
  }
}
