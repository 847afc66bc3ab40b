import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { ContractRegistry, commendationContracts } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { EventStoreRelaySource, Relay, ensureTopics, type RelayStats } from '@vanguard/messaging';

export interface CommendationRelayOptions {
  readonly brokers: readonly string[];
  /** Checkpoint and lease name in the store; one instance per name publishes. Default `commendation.kafka-relay`. */
  readonly name?: string;
  /** What may leave the store, and to which topic; default the commendation contracts (`vanguard.commendation.events.v1`). */
  readonly contracts?: ContractRegistry;
  /** The relay's idle fallback poll; wake-ups come from the store's append notification. */
  readonly idleDelayMs?: number;
}

/** Only commendation's own contracts: an event of another context in this store is a bug, kept as a refusal. */
export const commendationRelayContracts = new ContractRegistry([...commendationContracts]);

/**
 * Publishes the commendation store to Kafka (ADR 0005, ADR 0020): each committed event as its
 * contract's public form, keyed by stream, in the store's global order; a refused event goes
 * to the store schema's `vanguard_relay_dead_letters`. Replicas stand by on the relay's lock.
 */
export class CommendationRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CommendationRelayRunner.name);
  private relay: Relay | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    private readonly options: CommendationRelayOptions,
  ) {}

  get stats(): RelayStats | undefined {
    return this.relay?.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async start(): Promise<void> {
    if (this.relay) return;
    const contracts = this.options.contracts ?? commendationRelayContracts;
    const kafka = new Kafka({ clientId: 'commendation-relay', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING });
    try {
      await ensureTopics(kafka, contracts.topics());
    } catch (e) {
      // Kafka may be down at boot: the relay retries on its own, and the events wait in the store.
      this.logger.warn(`could not ensure topics: ${e instanceof Error ? e.message : String(e)}`);
    }
    const source = new EventStoreRelaySource(this.store, this.pool, { contracts, name: this.options.name ?? 'commendation.kafka-relay' });
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
