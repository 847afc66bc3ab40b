import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CampaignLaunched,
  CommendationDecided,
  CommendationRevoked,
  QuarterPioneerNominated,
  QuarterPioneerSelected,
  publicContracts,
} from '@vanguard/contracts';
import { serviceEventVerifier } from '@vanguard/auth';
import {
  EventConsumer,
  TypeOrmInbox,
  ensureTopics,
  handle,
  keepStarting,
  serviceKafka,
  type Inbox,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
} from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { campaignLaunched } from '../../application/campaigns';
import { commendationDecided, commendationRevoked, pioneerNominated, pioneerSelected } from '../../application/exemplar-proposals';
import { HonourRollVersion } from '../honour-roll/honour-roll-version';
import { UnitOfWork } from '../persistence/unit-of-work';

export interface DecisionsRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  readonly groupId: string;
}
export const DECISIONS_OPTIONS = Symbol('DecisionsRunnerOptions');

/**
 * Follows the commendation and evaluation topics: decided commendations and selected quarter
 * pioneers become exemplar proposals, revocations take commendations off the honour roll, and
 * launched campaigns become what articles may report on. The
 * consumer validates each event against its contract and checks that commendation or evaluation
 * signed it (ADR 0059) first (a violation or a forgery goes to the dead-letter topic); the inbox
 * makes every effect happen once.
 */
@Injectable()
export class DecisionsRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DecisionsRunner.name);
  private consumer: EventConsumer<EntityManager> | undefined;
  private starting: KeptStarting | undefined;
  private client: ServiceKafka | undefined;

  // Refusals and retries are worth an operator's eye; routine progress is not.
  private readonly log: MessagingLogger = messagingLoggerOf(this.logger, { info: false });

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly options: DecisionsRunnerOptions,
    private readonly rollVersion?: HonourRollVersion,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.client = serviceKafka('publicity-decisions', this.options.brokers);
    const kafka = this.client.kafka;
    const topics = [CommendationDecided.topic, QuarterPioneerSelected.topic];
    const inbox = new RollAwareInbox(new TypeOrmInbox(this.dataSource), this.rollVersion);
    const tx = (m: EntityManager) => this.uow.tx(m, inbox.rolledIn(m));
    this.consumer = new EventConsumer<EntityManager>({
      kafka,
      groupId: this.options.groupId,
      topics,
      contracts: publicContracts,
      verifier: serviceEventVerifier('publicity'),
      inbox,
      handlers: {
        ...handle(CommendationDecided, (e, c) => commendationDecided(tx(c.tx), e, c.origin)),
        ...handle(CommendationRevoked, (e, c) => commendationRevoked(tx(c.tx), e, c.origin)),
        ...handle(QuarterPioneerNominated, (e, c) => pioneerNominated(tx(c.tx), e, c.origin)),
        ...handle(QuarterPioneerSelected, (e, c) => pioneerSelected(tx(c.tx), e, c.origin)),
        ...handle(CampaignLaunched, (e, c) => campaignLaunched(tx(c.tx), e, c.origin)),
      },
      metrics: metricsRegistry,
      logger: this.log,
    });
    const consumer = this.consumer;
    // Boot does not wait for the broker: the service answers from what it has meanwhile, and a failed start is tried again.
    this.starting = keepStarting(
      async () => {
        await ensureTopics(kafka, topics);
        await consumer.start();
      },
      {
        onError: (e, attempt) =>
          this.logger.warn(
            `decisions consumer did not start (attempt ${attempt}), trying again: ${e instanceof Error ? e.message : String(e)}`,
          ),
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.starting?.stop();
    await this.consumer?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}

/**
 * The inbox, telling this replica's honour roll the version an applied event moved it to once
 * the inbox transaction has committed — not before, so no page is ever kept under a version
 * whose data is not visible yet. (Other replicas learn it from the NOTIFY sent on that commit.)
 */
class RollAwareInbox implements Inbox<EntityManager> {
  private readonly pending = new WeakMap<EntityManager, (version: string) => void>();

  constructor(
    private readonly inner: Inbox<EntityManager>,
    private readonly rollVersion: HonourRollVersion | undefined,
  ) {}

  /** The callback a Tx over this transaction reports the roll's new version to. */
  rolledIn(manager: EntityManager): ((version: string) => void) | undefined {
    return this.pending.get(manager);
  }

  async processOnce(...[consumer, event, origin, effect]: Parameters<Inbox<EntityManager>['processOnce']>) {
    let rolled: string | undefined;
    const outcome = await this.inner.processOnce(consumer, event, origin, (m) =>
      this.watching(
        m,
        (v) => (rolled = v),
        () => effect(m),
      ),
    );
    if (rolled) this.rollVersion?.advance(rolled);
    return outcome;
  }

  async processBatch(...[consumer, items, effect, finish]: Parameters<Inbox<EntityManager>['processBatch']>) {
    let rolled: string | undefined;
    const outcomes = await this.inner.processBatch(
      consumer,
      items,
      (m, item, i) =>
        this.watching(
          m,
          (v) => (rolled = v),
          () => effect(m, item, i),
        ),
      finish,
    );
    if (rolled) this.rollVersion?.advance(rolled);
    return outcomes;
  }

  private async watching(m: EntityManager, rolled: (version: string) => void, work: () => Promise<void>): Promise<void> {
    this.pending.set(m, rolled);
    try {
      await work();
    } finally {
      this.pending.delete(m);
    }
  }
}
