import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { KafkaConfig } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { CountyRosterMemberRemoved, CountyRosterMemberSynced, publicContracts } from '@vanguard/contracts';
import {
  CountyInboundConsumer,
  PgCountyInboundStore,
  type CountyBatchHandler,
  type CountyDecisionFeedOptions,
  type CountyScope,
} from '@vanguard/county-inbound';
import { TokenVerifier } from '@vanguard/auth';
import {
  keepStarting,
  serviceKafka,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
} from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { CountyRosterHandler } from '../../application/county/county-roster.handler';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../application/ports/id-generator.port';
import { PgCountyRosterStore } from './pg-county-roster.store';
import { TreeCountyScope } from './tree-county-scope';

export const COUNTY_INBOUND_OPTIONS = Symbol('CountyInboundOptions');

/** Which county systems organization answers, and whether this process consumes the inbound topic. */
export interface CountyInboundOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Keycloak client ids of the county systems (VANGUARD_COUNTY_CLIENTS). */
  readonly knownCounties: readonly string[];
  /** Each county's organisation (countyOrgs()): the decision feed routes by it (ADR 0062). */
  readonly countyOrgs?: Readonly<Record<string, string>>;
  readonly groupId?: string;
  readonly decisionFeedGroupId?: string;
  /**
   * Tests only: the decision feed's topics, scope and kafkajs settings (a socket factory that cuts
   * the network), so a test never copies onto the real topics.
   */
  readonly decisionFeedOverrides?: Pick<CountyDecisionFeedOptions, 'sourceTopics' | 'topicOf' | 'sessionTimeoutMs'> & {
    readonly within?: CountyScope;
    readonly kafka?: Partial<KafkaConfig>;
  };
  readonly topic?: string;
  readonly batchSize?: number;
}

/**
 * Consumes the county inbound topic beside the service (issue 17), as the outbox relay runs:
 * started after boot, stopped at shutdown. organization owns the roster messages (and the
 * undecodable ones: exactly one service dead-letters garbage); the gate proves the sender,
 * keeps the county in its subtree (from organization's own tree) and answers each message on
 * the county's reply topic through this service's outbox.
 */
@Injectable()
export class CountyInboundRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountyInboundRunner.name);
  private consumer: CountyInboundConsumer<PoolClient> | undefined;
  private starting: KeptStarting | undefined;
  private client: ServiceKafka | undefined;
  private readonly log: MessagingLogger = messagingLoggerOf(this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenVerifier,
    @Inject(COUNTY_INBOUND_OPTIONS) private readonly options: CountyInboundOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const scope = new TreeCountyScope((sql, params) => pool.query(sql, params).then((r) => r.rows as never));
    const roster = new CountyRosterHandler(new PgCountyRosterStore(this.clock), scope.within, this.ids, this.clock);
    this.client = serviceKafka('organization-county-inbound', this.options.brokers);
    this.consumer = new CountyInboundConsumer<PoolClient>({
      kafka: this.client.kafka,
      groupId: this.options.groupId ?? 'organization.county-inbound',
      owner: 'organization',
      tokenVerifier: this.tokens,
      knownCounties: this.options.knownCounties,
      contracts: publicContracts,
      scope: scope.within,
      handlers: {
        [CountyRosterMemberSynced.type]: roster.synced as CountyBatchHandler<PoolClient>,
        [CountyRosterMemberRemoved.type]: roster.removed as CountyBatchHandler<PoolClient>,
      },
      store: new PgCountyInboundStore(pool),
      metrics: metricsRegistry,
      ...(this.options.topic ? { topic: this.options.topic } : {}),
      ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      logger: this.log,
    });
    // Kafka down at boot: the service still answers HTTP, county messages wait in the topic, and the start is tried again.
    const consumer = this.consumer;
    this.starting = keepStarting(() => consumer.start(), {
      onError: (e, attempt) =>
        this.logger.warn(
          `county inbound consumer did not start (attempt ${attempt}), trying again: ${e instanceof Error ? e.message : String(e)}`,
        ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.starting?.stop();
    await this.consumer?.stop();
    // Nothing of this runner may outlive the service: the attempt in flight ends with the consumer's stop.
    await this.starting?.started;
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
