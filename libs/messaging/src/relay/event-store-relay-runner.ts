import type { Pool } from 'pg';
import type { ContractRegistry } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { silentLogger, type MessagingLogger } from '../logger';
import { ensureTopics } from '../kafka/topics';
import { ServiceKafka } from '../kafka/service-kafka';
import { EventStoreRelaySource } from './event-store-relay-source';
import { signingRelaySource, type EnvelopeSigner } from './event-signing';
import { Relay, type RelayStats } from './relay';

export interface EventStoreRelayRunnerOptions {
  readonly brokers: readonly string[];
  /** Kafka client id, e.g. `evaluation-relay`. */
  readonly clientId: string;
  /** Checkpoint and lease name in the store; one instance per name publishes. */
  readonly name: string;
  /** What may leave the store, and to which topic: the context's own contracts only. */
  readonly contracts: ContractRegistry;
  /**
   * Signs each event on the way out with the context's key (ADR 0059): consumers act only on
   * events their producer signed. Without it events go out unsigned, and verifying consumers
   * dead-letter them.
   */
  readonly signer?: EnvelopeSigner;
  /** The relay's idle fallback poll; wake-ups come from the store's append notification. */
  readonly idleDelayMs?: number;
  readonly logger?: MessagingLogger;
  /** Every event to this one topic instead of its contract's: a bench's own, never the platform's (default unset). */
  readonly topic?: string;
}

/**
 * Publishes an event-sourced service's store to Kafka (ADR 0005, ADR 0020): each committed
 * event as its contract's public form, keyed by stream, in the store's global order; a refused
 * event goes to the store schema's `vanguard_relay_dead_letters`. Replicas stand by on the
 * relay's lock. Nest calls `onApplicationBootstrap` and `onApplicationShutdown` on a provider.
 */
export class EventStoreRelayRunner {
  private relay: Relay | undefined;
  /** The client of the start under way or done; a start whose client is no longer this one was stopped. */
  private client: ServiceKafka | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    private readonly options: EventStoreRelayRunnerOptions,
  ) {}

  get stats(): RelayStats | undefined {
    return this.relay?.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async start(): Promise<void> {
    if (this.relay || this.client) return;
    const { contracts } = this.options;
    const log = this.options.logger ?? silentLogger;
    const client = new ServiceKafka(this.options.clientId, this.options.brokers);
    this.client = client;
    const kafka = client.kafka;
    try {
      await ensureTopics(kafka, this.options.topic ? [this.options.topic] : contracts.topics(), { publisher: true });
    } catch (e) {
      // Kafka may be down at boot: the relay retries on its own, and the events wait in the store.
      log.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not ensure topics');
    }
    // Stopped while making the topics: no relay for a runner that was stopped.
    if (this.client !== client) return;
    const store = new EventStoreRelaySource(this.store, this.pool, { contracts, name: this.options.name, topic: this.options.topic });
    // The store source already reads each event as its contract's public form: that is what is signed.
    const source = this.options.signer ? signingRelaySource(store, this.options.signer) : store;
    this.relay = new Relay({ source, kafka, logger: log, ...(this.options.idleDelayMs ? { idleDelayMs: this.options.idleDelayMs } : {}) });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    const relay = this.relay;
    const client = this.client;
    this.relay = undefined;
    this.client = undefined;
    await relay?.stop();
    // Also ends a topic check still connecting: it finds no socket and gives up.
    client?.closeLeftovers((m) => (this.options.logger ?? silentLogger).warn({ clientId: client.clientId }, m));
  }
}
