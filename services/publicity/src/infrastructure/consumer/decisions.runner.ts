import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CommendationDecided,
  CommendationRevoked,
  QuarterPioneerNominated,
  QuarterPioneerSelected,
  publicContracts,
} from '@vanguard/contracts';
import { EventConsumer, TypeOrmInbox, ensureTopics, handle, type MessagingLogger } from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { commendationDecided, commendationRevoked, pioneerNominated, pioneerSelected } from '../../application/exemplar-proposals';
import { UnitOfWork } from '../persistence/unit-of-work';

export interface DecisionsRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  readonly groupId: string;
}
export const DECISIONS_OPTIONS = Symbol('DecisionsRunnerOptions');

/**
 * Follows the commendation and evaluation topics: decided commendations and selected quarter
 * pioneers become exemplar proposals, revocations take commendations off the honour roll. The
 * consumer validates each event against its contract first (a violation goes to the dead-letter
 * topic); the inbox makes every effect happen once.
 */
@Injectable()
export class DecisionsRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DecisionsRunner.name);
  private consumer: EventConsumer<EntityManager> | undefined;

  // Refusals and retries are worth an operator's eye; routine progress is not.
  private readonly log: MessagingLogger = {
    info: () => undefined,
    warn: (o, m) => this.logger.warn(`${m ?? ''} ${JSON.stringify(o)}`),
    error: (o, m) => this.logger.error(`${m ?? ''} ${JSON.stringify(o)}`),
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly options: DecisionsRunnerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    const kafka = new Kafka({ clientId: 'publicity-decisions', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING });
    const topics = [CommendationDecided.topic, QuarterPioneerSelected.topic];
    const tx = (m: EntityManager) => this.uow.tx(m);
    this.consumer = new EventConsumer<EntityManager>({
      kafka,
      groupId: this.options.groupId,
      topics,
      contracts: publicContracts,
      inbox: new TypeOrmInbox(this.dataSource),
      handlers: {
        ...handle(CommendationDecided, (e, c) => commendationDecided(tx(c.tx), e, c.origin)),
        ...handle(CommendationRevoked, (e, c) => commendationRevoked(tx(c.tx), e, c.origin)),
        ...handle(QuarterPioneerNominated, (e, c) => pioneerNominated(tx(c.tx), e, c.origin)),
        ...handle(QuarterPioneerSelected, (e, c) => pioneerSelected(tx(c.tx), e, c.origin)),
      },
      metrics: metricsRegistry,
      logger: this.log,
    });
    const consumer = this.consumer;
    // Boot does not wait for the broker: the service answers from what it has meanwhile.
    void (async () => {
      try {
        await ensureTopics(kafka, topics);
        await consumer.start();
      } catch (e) {
        this.logger.error(`decisions consumer did not start: ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }
}
