import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { OrgEventSigner } from '@vanguard/auth';
import { serviceKafka, type ServiceKafka } from '@vanguard/messaging';
import { RELAY_OPTIONS, type RelayRunnerOptions } from '../outbox/outbox-relay.runner';
import { RosterStatePublisher } from './roster-state-publisher';
import { ensureCompactedStateTopics } from './roster-state-topics';

/** Runs the roster-state publisher beside the outbox relay (same switch, `ORGANIZATION_RELAY`). */
@Injectable()
export class RosterStateRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RosterStateRunner.name);
  private publisher: RosterStatePublisher | undefined;
  private client: ServiceKafka | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RELAY_OPTIONS) private readonly options: RelayRunnerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    this.client = serviceKafka('organization-roster-state', this.options.brokers);
    const kafka = this.client.kafka;
    try {
      await ensureCompactedStateTopics(kafka);
    } catch (e) {
      // Kafka may be down at boot: the notes wait in the table; the publisher retries sending.
      this.logger.warn(`could not ensure the compacted state topics: ${e instanceof Error ? e.message : String(e)}`);
    }
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const { rows } = await pool.query<{ schema: string }>('select current_schema() as schema');
    this.publisher = new RosterStatePublisher(pool, kafka, OrgEventSigner.fromEnv(), {
      lockKey: `roster-state:${rows[0]?.schema ?? 'organization'}`,
      onError: (e) => this.logger.warn(`roster state not published yet: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
