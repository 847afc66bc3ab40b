import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  keepStarting,
  messagingLoggerOf,
  serviceKafka,
  type EventConsumer,
  type KeptStarting,
  type ServiceKafka,
} from '@vanguard/messaging';
import type { Registry } from 'prom-client';
import { createOrgTreeConsumer } from './org-tree.consumer';
import type { Following, ScopeService } from './scope.service';

export interface OrgTreeRunnerOptions {
  /** Follow the organization topic; off, the copy only loads and follows the table other replicas fill. */
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  readonly groupId: string;
  /** Kafka client id, the service's name. */
  readonly clientId?: string;
  /** Where the consumer's metrics go (the service's registry). */
  readonly metrics?: Registry;
}

/**
 * Keeps a service's copy of the organisation tree: memory loaded from org_tree at start,
 * then the organization topic followed into the table and memory, and memory kept in step
 * with changes other replicas apply to the table. Every service with a scope runs one.
 */
export class OrgTreeRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrgTreeRunner.name);
  private consumer: EventConsumer<unknown> | undefined;
  private following: Following | undefined;
  private starting: KeptStarting | undefined;
  private client: ServiceKafka | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly scope: ScopeService,
    private readonly options: OrgTreeRunnerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await this.scope.load(this.pool);
    this.logger.log(`org-tree copy: ${loaded} organisations`);
    // Other replicas' consumers apply the partitions this one does not own: follow the table, not only our consumer.
    this.following = this.scope.follow(this.pool, { onError: (e) => this.logger.warn(`org-tree follow: ${String(e)}`) });
    if (!this.options.enabled) return;
    this.client = serviceKafka(this.options.clientId ?? 'vanguard', this.options.brokers);
    const consumer = createOrgTreeConsumer({
      kafka: this.client.kafka,
      groupId: this.options.groupId,
      pool: this.pool,
      scope: this.scope,
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      // A crash, a restart or a refused event is the only clue to a copy that stopped learning.
      logger: messagingLoggerOf(this.logger, { info: false }),
    });
    this.consumer = consumer as unknown as EventConsumer<unknown>;
    // Boot does not wait for the broker: scope answers from the loaded copy meanwhile, and a start that fails is tried again.
    this.starting = keepStarting(() => consumer.start(), {
      onError: (e, attempt) => this.logger.warn(`org-tree consumer did not start (attempt ${attempt}), trying again: ${String(e)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.starting?.stop();
    await this.consumer?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
    await this.following?.stop();
  }
}
