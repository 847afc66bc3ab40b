import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { serviceEventVerifier, type Following, type ScopeService } from '@vanguard/auth';
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
import { applyTombstone, reportingHandlers } from './projection-handlers';
import { reportingContracts } from './source-topics';

export interface ProjectionRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Consumer group and inbox key: a new group reads every topic from its beginning (a rebuild). */
  readonly groupId: string;
  /** Tests' own topic prefix; none in production. */
  readonly topicPrefix?: string;
}

/**
 * One consumer over every source topic (ADR 0035's one-subscription shape): each event is
 * validated against its contract, checked for its producer's signature (ADR 0059; a forgery is
 * dead-lettered) and applied exactly once (inbox row and projection rows in
 * one transaction). Lag per topic and partition is `vanguard_consumer_lag{group,topic,partition}`.
 * Scope answers from `rpt_org` in memory, followed across replicas by NOTIFY.
 */
export class ProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRunner.name);
  private consumer: EventConsumer<PoolClient> | undefined;
  private starting: Promise<void> | undefined;
  private retrying: KeptStarting | undefined;
  private following: Following | undefined;
  /** Every attempt's consumer and every lag check are made from this one client, let go of at stop. */
  private readonly client: ServiceKafka;

  constructor(
    private readonly pool: Pool,
    private readonly scope: ScopeService,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.client = serviceKafka('reporting', options.brokers);
  }

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await this.scope.load(this.pool);
    this.logger.log(`organisation copy: ${loaded} organisations`);
    this.following = this.scope.follow(this.pool, { onError: (e) => this.logger.warn(`rpt_org follow: ${String(e)}`) });
    if (!this.options.enabled) return;
    // Boot does not wait for the broker: reports answer from the projection held meanwhile; a failed start is tried again (ADR 0069).
    this.retrying = keepStarting(() => this.start(), {
      onError: (e, attempt) => this.logger.warn(`reporting consumer did not start (attempt ${attempt}), trying again: ${String(e)}`),
    });
  }

  /** Starts the consumer once; a second call waits for the first, and one after a failed start tries again. */
  start(): Promise<void> {
    this.starting ??= this.startOnce().catch((e: unknown) => {
      this.starting = undefined;
      throw e;
    });
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const kafka = this.client.kafka;
    const contracts = reportingContracts(this.options.topicPrefix);
    const log: MessagingLogger = messagingLoggerOf(this.logger, { info: false });
    // The producers create their topics; made here too so reporting can start first.
    await ensureTopics(kafka, contracts.topics());
    this.consumer = new EventConsumer<PoolClient>({
      kafka,
      groupId: this.options.groupId,
      topics: contracts.topics(),
      contracts,
      // Every context reporting counts, organisation's roster state included (its publisher signs it).
      verifier: serviceEventVerifier('reporting'),
      inbox: new PgInbox(this.pool),
      handlers: reportingHandlers,
      // Purged rows leave the state topics as tombstones: delete them here, not in the DLQ.
      onTombstone: async (t) => {
        if (!(await applyTombstone(this.pool, t))) this.logger.warn(`tombstone with an unknown key ignored: ${JSON.stringify(t)}`);
      },
      metrics: metricsRegistry,
      logger: log,
      // A transaction per 500 of a partition's records, not 100: each pays a commit and a pass of
      // the totals' triggers, and catch-up went from 3,300–3,550 to 4,600–5,100 events/s (ADR 0087).
      transactionBatchSize: 500,
    });
    await this.consumer.start();
  }

  /**
   * Consumer lag per source topic from the broker: the group's committed offsets against each
   * partition's end (a partition never committed counts from its start). Offsets are committed
   * about every second, so a caught-up consumer may show a few records for a moment.
   */
  async lag(): Promise<{ groupId: string; topics: { topic: string; lag: number; end: number }[] }> {
    const admin = this.client.kafka.admin();
    await admin.connect();
    try {
      const topics = reportingContracts(this.options.topicPrefix).topics();
      const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [...topics] });
      const out = [];
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
        let lag = 0;
        let end = 0;
        for (const p of ends) {
          const at = Number(done.find((d) => d.partition === p.partition)?.offset ?? '-1');
          lag += Math.max(0, Number(p.high) - (at >= 0 ? at : Number(p.low)));
          end += Number(p.high);
        }
        out.push({ topic, lag, end });
      }
      return { groupId: this.options.groupId, topics: out };
    } finally {
      await admin.disconnect();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.retrying?.stop();
    // A start still connecting is waited for, so its consumer is stopped too.
    await this.starting?.catch(() => undefined);
    const c = this.consumer;
    this.consumer = undefined;
    await c?.stop();
    this.client.closeLeftovers((m) => this.logger.warn(m));
    await this.following?.stop();
  }
}
