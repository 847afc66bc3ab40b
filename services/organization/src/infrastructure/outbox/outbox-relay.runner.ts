import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { ROSTER_STATE_TOPICS, publicContracts } from '@vanguard/contracts';
import { OutboxRelaySource, Relay, ensureTopics, serviceKafka, type ServiceKafka } from '@vanguard/messaging';
import { OrgEventSigner } from '@vanguard/auth';
import { DataSource } from 'typeorm';
import { signingRelaySource } from './signing-relay-source';

export const RELAY_OPTIONS = Symbol('RelayOptions');
export interface RelayRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /**
   * The outbox's schema: it names the relay's leader lock too (ADR 0015), which without it was
   * `outbox:"vanguard_outbox"` in the whole database — the same lock as any other unqualified
   * outbox's relay there, so one of them stood by while the other led.
   */
  readonly schema?: string;
}

/** Runs the outbox relay beside the service: committed events reach Kafka, also after an outage. */
@Injectable()
export class OutboxRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayRunner.name);
  private relay: Relay | undefined;
  private client: ServiceKafka | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAY_OPTIONS) private readonly options: RelayRunnerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    this.client = serviceKafka('organization-relay', this.options.brokers);
    const kafka = this.client.kafka;
    const topics = publicContracts
      .all()
      // The compacted state topics are created by the roster-state runner (ADR 0029).
      .filter((c) => c.context === 'organization' && !(ROSTER_STATE_TOPICS as readonly string[]).includes(c.topic))
      .map((c) => c.topic);
    try {
      await ensureTopics(kafka, topics, { publisher: true });
    } catch (e) {
      // Kafka may be down at boot; the relay retries on its own and events wait in the outbox.
      this.logger.warn(`could not ensure topics: ${e instanceof Error ? e.message : String(e)}`);
    }
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const source = signingRelaySource(
      new OutboxRelaySource(pool, { name: 'organization.outbox', schema: this.options.schema }),
      OrgEventSigner.fromEnv(),
      publicContracts,
    );
    this.relay = new Relay({ source, kafka });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
