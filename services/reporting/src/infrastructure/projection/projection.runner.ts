import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { serviceEventVerifier, type Following, type ScopeService } from '@vanguard/auth';
import {
  EventConsumer,
  PgInbox,
  gauge,
  ensureTopics,
  keepStarting,
  partitionPositions,
  serviceKafka,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
  sendDeadLetter,
  type Tombstone,
} from '@vanguard/messaging';
import { deadLetterTopic } from '@vanguard/contracts';
import type { KafkaMessage, Producer } from 'kafkajs';
import { metricsRegistry } from '@vanguard/observability';
import { applyTombstone, reportingHandlers } from './projection-handlers';
import { reportingContracts, stateTopics } from './source-topics';

export interface ConsumerLag {
  readonly groupId: string;
  readonly topics: { topic: string; lag: number; end: number }[];
}

/** Lag cannot be measured here: the consumer is off in this process, or the broker did not answer in time. */
export class LagUnavailable extends Error {
  constructor(readonly why: 'disabled' | 'unreachable') {
    super(`consumer lag unavailable: ${why}`);
  }
}

/** How long one lag answer is reused: dashboards poll it, and offsets are committed about once a second anyway. */
const LAG_FRESH_MS = 1_000;
/** How long a caller waits for the broker before a 503. */
const LAG_TIMEOUT_MS = 2_500;
/**
 * How often the lag metric is measured at the broker: the consumer sets it only when a partition
 * delivers a batch, so a topic quiet since the start had no series and a stalled one kept its last value.
 */
const LAG_METRIC_MS = 15_000;

export interface ProjectionRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Consumer group and inbox key: a new group reads every topic from its beginning (a rebuild). */
  readonly groupId: string;
  /** Tests' own topic prefix; none in production. */
  readonly topicPrefix?: string;
  /** How long a caller of `lag()` waits for the broker before LagUnavailable; `LAG_TIMEOUT_MS` unless a test shortens it. */
  readonly lagTimeoutMs?: number;
  /** How often `vanguard_consumer_lag` is measured at the broker for every source partition; `LAG_METRIC_MS` unless a test shortens it. */
  readonly lagMetricIntervalMs?: number;
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
  private measuring: Promise<ConsumerLag> | undefined;
  private adminInFlight: Promise<unknown> | undefined;
  private dlqProducer: Producer | undefined;
  private readonly deadLetterTopics = new Set<string>();
  private lastLag: { at: number; value: ConsumerLag } | undefined;
  private lagMetricTimer: NodeJS.Timeout | undefined;
  /** The consumer's own gauge (get-or-create by name): it sets a partition's lag as it applies a batch. */
  private readonly lagGauge = gauge(metricsRegistry, 'vanguard_consumer_lag', 'Messages on the partition not yet processed by the group', [
    'group',
    'topic',
    'partition',
  ]);
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
    const states = stateTopics(this.options.topicPrefix);
    const log: MessagingLogger = messagingLoggerOf(this.logger, { info: false });
    // The producers create their topics; made here too so reporting can start first.
    await ensureTopics(kafka, contracts.topics());
    // Every context reporting counts, organisation's roster state included (its publisher signs it), and its removals.
    const verifier = serviceEventVerifier('reporting');
    this.consumer = new EventConsumer<PoolClient>({
      kafka,
      groupId: this.options.groupId,
      topics: contracts.topics(),
      contracts,
      verifier,
      inbox: new PgInbox(this.pool),
      handlers: reportingHandlers,
      // Purged rows leave the state topics as tombstones carrying a signed removal (ADR 0130): delete them here;
      // a bare or forged one, or one anywhere else, changes nothing and is dead-lettered.
      onTombstone: async (t) => {
        const done = await applyTombstone(this.pool, t, states, verifier);
        if ('refused' in done) await this.deadLetterTombstone(t, done.refused);
      },
      metrics: metricsRegistry,
      logger: log,
      // A transaction per 500 of a partition's records, not 100: each pays a commit and a pass of
      // the totals' triggers, and catch-up went from 3,300–3,550 to 4,600–5,100 events/s (ADR 0087).
      transactionBatchSize: 500,
    });
    await this.consumer.start();
    // A failed measurement leaves the metric as it was; `lag()` callers see the failure themselves.
    this.lagMetricTimer = setInterval(
      () => void this.lag().catch(() => undefined),
      this.options.lagMetricIntervalMs ?? LAG_METRIC_MS,
    ).unref();
  }

  /**
   * Consumer lag per source topic from the broker: the group's committed offsets against each
   * partition's end (a partition never committed counts from its start). Offsets are committed
   * about every second, so a caught-up consumer may show a few records for a moment. Each
   * measurement also sets `vanguard_consumer_lag` for every source partition. Callers
   * at the same moment share one measurement, and an answer is reused for `LAG_FRESH_MS`: each
   * used to open an admin connection of its own. A disabled consumer or an unreachable broker is
   * LagUnavailable within about `LAG_TIMEOUT_MS`, not kafkajs's retries (some seven seconds).
   */
  async lag(): Promise<ConsumerLag> {
    if (!this.options.enabled) throw new LagUnavailable('disabled');
    const kept = this.lastLag;
    if (kept && Date.now() - kept.at < LAG_FRESH_MS) return kept.value;
    this.measuring ??= this.measureLag()
      .then((value) => {
        this.lastLag = { at: Date.now(), value };
        return value;
      })
      .finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  private async measureLag(): Promise<ConsumerLag> {
    // One admin client at a time: one a caller gave up on may still be waiting on a slow broker.
    if (this.adminInFlight) throw new LagUnavailable('unreachable');
    // Few retries of its requests: a caller is waiting, and the next call tries again anyway. (Its
    // connect still retries as the client does, ~10 s against a refused broker: the one-admin rule covers that.)
    const admin = this.client.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 } });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LagUnavailable('unreachable')), this.options.lagTimeoutMs ?? LAG_TIMEOUT_MS);
    });
    const measured = (async () => {
      await admin.connect();
      const topics = reportingContracts(this.options.topicPrefix).topics();
      const positions = await partitionPositions(admin, this.options.groupId, topics);
      const out = [];
      for (const topic of topics) {
        let lag = 0;
        let end = 0;
        for (const p of positions.filter((x) => x.topic === topic)) {
          const behind = Math.max(0, p.end - p.done);
          this.lagGauge.set({ group: this.options.groupId, topic, partition: String(p.partition) }, behind);
          lag += behind;
          end += p.end;
        }
        out.push({ topic, lag, end });
      }
      return { groupId: this.options.groupId, topics: out };
    })();
    try {
      return await Promise.race([measured, late]);
    } catch (e) {
      if (!(e instanceof LagUnavailable)) this.logger.warn(`lag: the broker did not answer: ${String(e)}`);
      throw e instanceof LagUnavailable ? e : new LagUnavailable('unreachable');
    } finally {
      clearTimeout(timer);
      // Disconnected once its own work settles: a disconnect while `connect` is still retrying leaves
      // the connection it then makes open. Until then no other admin client is made.
      this.adminInFlight = measured
        .catch(() => undefined)
        .then(() => admin.disconnect())
        .catch(() => undefined)
        .finally(() => (this.adminInFlight = undefined));
    }
  }

  /**
   * A tombstone that deletes nothing goes to its topic's dead-letter topic with reason `forged`
   * (off its state topic, or without a removal the organization service signed: a null value
   * carries no signature, ADR 0130), as a forged event does (ADR 0059), with its headers. If the
   * send fails the tombstone is retried, never lost.
   */
  private async deadLetterTombstone(t: Tombstone, reason: string): Promise<void> {
    const topic = deadLetterTopic(t.topic);
    if (!this.deadLetterTopics.has(topic)) {
      await ensureTopics(this.client.kafka, [topic]);
      this.deadLetterTopics.add(topic);
    }
    this.dlqProducer ??= this.client.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.dlqProducer.connect();
    const original = { key: t.key === null ? null : Buffer.from(t.key, 'utf8'), value: null, offset: t.offset, headers: t.headers ?? {} };
    const info = { error: reason, topic: t.topic, partition: t.partition, consumer: this.options.groupId };
    // A tombstone whose headers or key are too large for the dead-letter topic goes without them (sendDeadLetter), never blocking its partition.
    await sendDeadLetter(this.dlqProducer, topic, original as unknown as KafkaMessage, {
      ...info,
      reason: 'forged',
      attempts: 0,
      failedAt: new Date(),
    });
    this.logger.error(`tombstone refused and dead-lettered to ${topic} (${t.topic}[${t.partition}]@${t.offset}): ${reason}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.retrying?.stop();
    // A start still connecting is waited for, so its consumer is stopped too, and its lag timer
    // (set as it ends) cleared: cleared before, it measured on a closed client every 15 s.
    await this.starting?.catch(() => undefined);
    clearInterval(this.lagMetricTimer);
    const c = this.consumer;
    this.consumer = undefined;
    await c?.stop();
    await this.dlqProducer?.disconnect().catch(() => undefined);
    this.client.closeLeftovers((m) => this.logger.warn(m));
    await this.following?.stop();
  }
}
