import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { ScopeService, TokenVerifier } from '@vanguard/auth';
import {
  CountyDemocraticReviewTallied,
  CountyMassEvaluationTallied,
  CountyWindowServicesRecorded,
  CountyPledgeProgressReported,
  publicContracts,
} from '@vanguard/contracts';
import { CountyInboundConsumer, PgCountyInboundStore, type CountyBatchHandler } from '@vanguard/county-inbound';
import {
  keepStarting,
  OutboxRelaySource,
  Relay,
  serviceKafka,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
} from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import type { CountCountyWindowServicesHandler } from '../../application/county/count-county-window-services.handler';
import type { RecordCountyMassEvaluationHandler } from '../../application/county/record-county-mass-evaluation.handler';
import type { ReportCountyPledgeProgressHandler } from '../../application/county/report-county-pledge-progress.handler';
import type { TallyCountyDemocraticReviewHandler } from '../../application/county/tally-county-democratic-review.handler';

export interface CountyInboundRunnerOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Keycloak client ids of the county systems: their reply topics exist, their refusals are answered. */
  readonly knownCounties: readonly string[];
  readonly groupId: string;
  /** The evaluation schema: the gate's tables and the replies' outbox live there. */
  readonly schema: string;
  readonly topic?: string;
}

export interface EvaluationCountyHandlers {
  readonly pledgeProgress: ReportCountyPledgeProgressHandler;
  readonly democraticReview: TallyCountyDemocraticReviewHandler;
  readonly massEvaluation: RecordCountyMassEvaluationHandler;
  readonly windowServices: CountCountyWindowServicesHandler;
}

/**
 * Evaluation's side of the county inbound topic (issue 17): the gate (libs/county-inbound)
 * proves each message's sender, keeps it inside the sender's county by evaluation's own copy of
 * the tree, and runs evaluation's translations; their events, the gate's rows and the reply
 * commit in one transaction. Evaluation is event-sourced and has no outbox of its own for
 * events, so the replies get one (`vanguard_outbox`) with its own relay, started here.
 */
export class CountyInboundRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountyInboundRunner.name);
  private consumer: CountyInboundConsumer<PoolClient> | undefined;
  private relay: Relay | undefined;
  private starting: KeptStarting | undefined;
  private client: ServiceKafka | undefined;
  private readonly log: MessagingLogger = messagingLoggerOf(this.logger);

  constructor(
    private readonly pool: Pool,
    private readonly tokens: TokenVerifier,
    private readonly scope: ScopeService,
    private readonly handlers: EvaluationCountyHandlers,
    private readonly options: CountyInboundRunnerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    this.client = serviceKafka('evaluation-county-inbound', this.options.brokers);
    const kafka = this.client.kafka;
    this.relay = new Relay({
      source: new OutboxRelaySource(this.pool, { name: 'evaluation.county-replies', schema: this.options.schema }),
      kafka,
    });
    this.relay.start();
    const h = this.handlers;
    this.consumer = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: this.options.groupId,
      owner: 'evaluation',
      tokenVerifier: this.tokens,
      knownCounties: this.options.knownCounties,
      contracts: publicContracts,
      scope: (countyOrgId, orgId) => this.scope.isWithin({ orgId: countyOrgId }, orgId),
      handlers: {
        [CountyPledgeProgressReported.type]: h.pledgeProgress.handle as CountyBatchHandler<PoolClient>,
        [CountyDemocraticReviewTallied.type]: h.democraticReview.handle as CountyBatchHandler<PoolClient>,
        [CountyMassEvaluationTallied.type]: h.massEvaluation.handle as CountyBatchHandler<PoolClient>,
        [CountyWindowServicesRecorded.type]: h.windowServices.handle as CountyBatchHandler<PoolClient>,
      },
      store: new PgCountyInboundStore(this.pool),
      schema: this.options.schema,
      outbox: { schema: this.options.schema },
      metrics: metricsRegistry,
      logger: this.log,
      ...(this.options.topic ? { topic: this.options.topic } : {}),
    });
    // Kafka down at boot: HTTP still answers, county messages wait in the topic, and the start is tried again.
    const consumer = this.consumer;
    this.starting = keepStarting(() => consumer.start(), {
      onError: (e, attempt) =>
        this.logger.warn(
          `county inbound consumer did not start (attempt ${attempt}), trying again: ${e instanceof Error ? e.message : String(e)}`,
        ),
    });
    await this.starting.firstAttempt;
  }

  async onApplicationShutdown(): Promise<void> {
    this.starting?.stop();
    await this.consumer?.stop();
    await this.relay?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
