import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { OrgEventVerifier } from '@vanguard/auth';
import { CountyMemberLinked, publicContracts } from '@vanguard/contracts';
import {
  EventConsumer,
  GroupReadThrough,
  PermanentHandlerError,
  PgInbox,
  handle,
  keepStarting,
  serviceKafka,
  type KeptStarting,
  type ServiceKafka,
} from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import type { PgCountyMemberLinks } from './county-member-links.projection';

export interface CountyMemberLinksRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** One group per service (and per test run); a new group reads the organization topic from the beginning. */
  readonly groupId: string;
  readonly topic?: string;
}

/**
 * Follows organization.CountyMemberLinked on the organization events topic into
 * county_member_links, exactly once through the inbox. Only links the organization service
 * signed are kept (ADR 0010): a forged link would let a county act on someone else's record.
 */
export class CountyMemberLinksRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CountyMemberLinksRunner.name);
  private consumer: EventConsumer<PoolClient> | undefined;
  private starting: KeptStarting | undefined;
  private client: ServiceKafka | undefined;
  private progress: GroupReadThrough | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly links: PgCountyMemberLinks,
    private readonly options: CountyMemberLinksRunnerOptions,
    private readonly verifier: OrgEventVerifier = OrgEventVerifier.fromEnv(),
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // Boot does not wait for the broker: translations answer from the links held meanwhile; a failed start is tried again.
    const consumer = this.consumerOf();
    this.starting = keepStarting(() => consumer.start(), {
      onError: (e, attempt) =>
        this.logger.warn(`county member links consumer did not start (attempt ${attempt}), trying again: ${String(e)}`),
    });
  }

  /** One start, awaited (tests). */
  async start(): Promise<void> {
    await this.consumerOf().start();
  }

  /**
   * How far the links are read (GroupReadThrough); far in the future while this runner is off:
   * links then come only from elsewhere (a test's rows), and nothing is on its way to wait for.
   */
  readThrough(): Promise<Date> {
    if (!this.options.enabled) return Promise.resolve(new Date(8.64e15));
    this.consumerOf();
    this.progress ??= new GroupReadThrough(this.client!.kafka, this.options.groupId, [this.topic()]);
    return this.progress.readThrough();
  }

  private topic(): string {
    return this.options.topic ?? CountyMemberLinked.topic;
  }

  private consumerOf(): EventConsumer<PoolClient> {
    if (this.consumer) return this.consumer;
    this.client = serviceKafka('evaluation-county-links', this.options.brokers);
    this.consumer = new EventConsumer<PoolClient>({
      kafka: this.client.kafka,
      groupId: this.options.groupId,
      topics: [this.topic()],
      contracts: publicContracts,
      inbox: new PgInbox(this.pool),
      handlers: handle(CountyMemberLinked, async (event, { tx }) => {
        const signed = this.verifier.verify(event);
        if (!signed.ok) throw new PermanentHandlerError(`county member link not signed by the organization service (${signed.reason})`);
        await this.links.apply(tx, event);
      }),
      metrics: metricsRegistry,
    });
    return this.consumer;
  }

  async onModuleDestroy(): Promise<void> {
    this.starting?.stop();
    await this.progress?.stop();
    await this.consumer?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
