import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { AUDIT_CHECKPOINT_TOPIC, AUDIT_CHECKPOINT_TOPIC_CONFIG, publicContracts } from '@vanguard/contracts';
import { EventSigner } from '@vanguard/auth';
import { OutboxRelaySource, Relay, ensureTopics, serviceKafka, signingRelaySource, type ServiceKafka } from '@vanguard/messaging';
import type { WitnessCosignatures } from '../application/witness-cosignatures';
import { CHECKPOINT_OUTBOX } from '../application/checkpoint-events';

export interface CheckpointRelayOptions {
  /** Carry the outbox to Kafka (tests that do not read the topic leave it off). */
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** The topic the events go to; default `vanguard.audit.checkpoints.v1` (a test gives its own). */
  readonly topic?: string;
  /** First pause before the topic is tried again while Kafka cannot be reached, doubling to 30 s. */
  readonly retryMs?: number;
}

/**
 * Puts the checkpoint events on `vanguard.audit.checkpoints.v1` (ADR 0063): at start, the events of
 * checkpoints published before the outbox existed are added to it (once); then the outbox relay of
 * libs/messaging carries every event, signed with audit's own event key (ADR 0059), to the topic.
 *
 * The relay starts only once the topic exists with its retention (kept for ever): the broker
 * auto-creates a topic a producer writes to, with the default week of retention, and history
 * written there would expire. Until then the events wait in the outbox.
 */
export class CheckpointRelayRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CheckpointRelay');
  private relay: Relay | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private client: ServiceKafka | undefined;
  private readonly topic: string;

  constructor(
    private readonly pool: Pool,
    private readonly witnesses: WitnessCosignatures,
    private readonly options: CheckpointRelayOptions,
  ) {
    this.topic = options.topic ?? AUDIT_CHECKPOINT_TOPIC;
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const added = await this.witnesses.sweepEvents();
      if (added) this.logger.log(`${added} checkpoint(s) published before the outbox existed are now in it`);
    } catch (e) {
      // Not fatal: the next start sweeps again; new checkpoints get their events as they are published.
      this.logger.warn(`could not add earlier checkpoints to the outbox: ${(e as Error).message}`);
    }
    if (!this.options.enabled) return;
    // Few retries inside kafkajs: this runner and the relay retry with backoff themselves, and a
    // check left retrying against a broker that is gone would outlive a stopped service by seconds.
    this.client = serviceKafka('audit-relay', this.options.brokers, { retry: { retries: 1 } });
    // Boot does not wait for the broker: the HTTP API and the witnesses need none of it.
    void this.startWhenTopicIsReady(this.client.kafka, this.options.retryMs ?? 500);
  }

  /**
   * Before the pools close (they are the global pools module's, destroyed after this one). A topic
   * check still in flight is not waited for (kafkajs retries an unreachable broker for seconds):
   * it starts no relay once stopped.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.relay?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }

  private async startWhenTopicIsReady(kafka: Kafka, waitMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      await ensureCheckpointTopic(kafka, this.topic);
    } catch (e) {
      if (this.stopped) return;
      this.logger.warn(`${this.topic} not ready, the events wait in the outbox: ${(e as Error).message}`);
      this.retry = setTimeout(() => {
        void this.startWhenTopicIsReady(kafka, Math.min(waitMs * 2, 30_000));
      }, waitMs);
      this.retry.unref();
      return;
    }
    if (this.stopped) return;
    // Each checkpoint event signed on its own, not under a batch's root (ADR 0085): one republished
    // after a restart must be byte for byte what went out before (ADR 0063), and a batch root
    // depends on which events shared the read. Ed25519 is deterministic; a few events a day.
    const signer = EventSigner.forContext('audit');
    const source = signingRelaySource(
      new OutboxRelaySource(this.pool, { name: 'audit.checkpoints', ...CHECKPOINT_OUTBOX, topic: this.topic }),
      { context: signer.context, sign: (e) => signer.sign(e) },
      publicContracts,
    );
    this.relay = new Relay({ source, kafka });
    this.relay.start();
  }
}

/**
 * Creates the topic kept for ever (the platform's, or a test's own with the same config), and sets its retention if it exists with another one (created
 * by the broker on a first write, or by hand): the checkpoints' history must not expire.
 */
export async function ensureCheckpointTopic(kafka: Kafka, topic: string = AUDIT_CHECKPOINT_TOPIC): Promise<void> {
  await ensureTopics(kafka, [topic], { configs: { [topic]: AUDIT_CHECKPOINT_TOPIC_CONFIG }, publisher: true });
}
