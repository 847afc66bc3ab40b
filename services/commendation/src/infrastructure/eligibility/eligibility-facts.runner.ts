import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { EventConsumer, PgInbox, ensureTopics, type MessagingLogger } from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { eligibilityFactHandlers } from './eligibility-facts.projection';
import { evaluationContractsOn } from './eligibility-topics';

export interface EligibilityFactsRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Consumer group and inbox key: a new group reads the topic from its beginning. */
  readonly groupId: string;
  readonly topic: string;
}

/**
 * Follows evaluation's events topic into the eligibility fact tables: validated against
 * evaluation's contracts, each event applied exactly once (inbox row and fact row in one
 * transaction), poison messages dead-lettered to `<topic>.dlq`.
 */
export class EligibilityFactsRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EligibilityFactsRunner.name);
  private consumer: EventConsumer<PoolClient> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: EligibilityFactsRunnerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // Boot does not wait for the broker: checks answer from the facts held meanwhile.
    this.start().catch((e: unknown) => this.logger.error(`eligibility consumer did not start: ${String(e)}`));
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const kafka = new Kafka({ clientId: 'commendation-eligibility', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING });
    const log: MessagingLogger = {
      info: () => undefined,
      warn: (o, m) => this.logger.warn(`${m ?? ''} ${JSON.stringify(o)}`),
      error: (o, m) => this.logger.error(`${m ?? ''} ${JSON.stringify(o)}`),
    };
    // The topic is evaluation's to create; made here too so this consumer can start before evaluation first publishes.
    await ensureTopics(kafka, [this.options.topic]);
    this.consumer = new EventConsumer<PoolClient>({
      kafka,
      groupId: this.options.groupId,
      topics: [this.options.topic],
      contracts: evaluationContractsOn(this.options.topic),
      inbox: new PgInbox(this.pool),
      handlers: eligibilityFactHandlers,
      metrics: metricsRegistry,
      logger: log,
    });
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    await c?.stop();
  }
}
