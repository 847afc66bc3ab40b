import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { publicContracts } from '@vanguard/contracts';
import { EventSigner } from '@vanguard/auth';
import { OutboxRelaySource, Relay, ensureTopics, serviceKafka, signingRelaySource, type ServiceKafka } from '@vanguard/messaging';
import { DataSource } from 'typeorm';

export const RELAY_OPTIONS = Symbol('RelayOptions');
export interface RelayRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /**
   * The outbox's schema: it names the relay's leader lock, so relays of other schemas in the same
   * database (test suites' own schemas, other services) never wait on each other's lock.
   */
  readonly schema: string;
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
    this.client = serviceKafka('publicity-relay', this.options.brokers);
    const kafka = this.client.kafka;
    const topics = [
      ...new Set(
        publicContracts
          .all()
          .filter((c) => c.context === 'publicity')
          .map((c) => c.topic),
      ),
    ];
    try {
      await ensureTopics(kafka, topics, { publisher: true });
    } catch (e) {
      // Kafka may be down at boot; the relay retries on its own and events wait in the outbox.
      this.logger.warn(`could not ensure topics: ${e instanceof Error ? e.message : String(e)}`);
    }
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    // Signed on the way out with publicity's key: consumers act only on events this service signed (ADR 0059).
    const source = signingRelaySource(
      new OutboxRelaySource(pool, { name: 'publicity.outbox', schema: this.options.schema }),
      EventSigner.forContext('publicity'),
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
