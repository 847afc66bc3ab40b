import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { serviceEventVerifier } from '@vanguard/auth';
import {
  EventConsumer,
  PgInbox,
  ensureTopics,
  keepStarting,
  serviceKafka,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
} from '@vanguard/messaging';
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
 * evaluation's contracts and checked for evaluation's signature (ADR 0059), each event applied exactly once (inbox row and fact row in one
 * transaction), poison messages and forgeries dead-lettered to `<topic>.dlq`.
 */
export class EligibilityFactsRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EligibilityFactsRunner.name);
  private consumer: EventConsumer<PoolClient> | undefined;
  private starting: KeptStarting | undefined;
  /** One client for every attempt, let go of at stop. */
  private client: ServiceKafka | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: EligibilityFactsRunnerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // Boot does not wait for the broker: checks answer from the facts held meanwhile; a failed start is tried again.
    this.starting = keepStarting(() => this.start(), {
      onError: (e, attempt) => this.logger.warn(`eligibility consumer did not start (attempt ${attempt}), trying again: ${String(e)}`),
    });
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.client ??= serviceKafka('commendation-eligibility', this.options.brokers);
    const kafka = this.client.kafka;
    const log: MessagingLogger = messagingLoggerOf(this.logger, { info: false });
    // The topic is evaluation's to create; made here too so this consumer can start before evaluation first publishes.
    await ensureTopics(kafka, [this.options.topic]);
    const consumer = new EventConsumer<PoolClient>({
      kafka,
      groupId: this.options.groupId,
      topics: [this.options.topic],
      contracts: evaluationContractsOn(this.options.topic),
      verifier: serviceEventVerifier('commendation'),
      inbox: new PgInbox(this.pool),
      handlers: eligibilityFactHandlers,
      metrics: metricsRegistry,
      logger: log,
    });
    this.consumer = consumer;
    try {
      await consumer.start();
    } catch (e) {
      // A failed start left nothing connected (EventConsumer); the next attempt makes a consumer anew.
      if (this.consumer === consumer) this.consumer = undefined;
      throw e;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.starting?.stop();
    // A start in flight (still making its topics, say) has no consumer to stop yet: wait for it.
    await this.starting?.started;
    const c = this.consumer;
    this.consumer = undefined;
    await c?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
    this.client = undefined;
  }
}
