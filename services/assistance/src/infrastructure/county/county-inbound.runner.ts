import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { OrgEventVerifier, TokenVerifier } from '@vanguard/auth';
import { CountyDeedRecorded, CountyMemberLinked, CountyVisitLogged, publicContracts } from '@vanguard/contracts';
import {
  CountyInboundConsumer,
  TypeOrmCountyInboundStore,
  applyCountyMemberLink,
  type CountyBatchHandler,
  type LinksArrival,
} from '@vanguard/county-inbound';
import {
  EventConsumer,
  GroupReadThrough,
  PermanentHandlerError,
  TypeOrmInbox,
  handle,
  keepStarting,
  serviceKafka,
  type KeptStarting,
  type MessagingLogger,
  type ServiceKafka,
  messagingLoggerOf,
} from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { COUNTY_LINKS_ARRIVAL } from '../../application/county/county-field-work.port';
import { LogCountyVisitHandler } from '../../application/county/log-county-visit.handler';
import { RecordCountyDeedHandler } from '../../application/county/record-county-deed.handler';
import { TypeOrmUnitOfWork } from '../persistence/typeorm-unit-of-work';

export const COUNTY_INBOUND_OPTIONS = Symbol('AssistanceCountyInboundOptions');

export interface CountyInboundOptions {
  readonly enabled: boolean;
  readonly brokers: readonly string[];
  /** Keycloak client ids of the county systems (VANGUARD_COUNTY_CLIENTS). */
  readonly knownCounties: readonly string[];
  readonly schema: string;
  readonly groupId?: string;
  readonly topic?: string;
  readonly linksGroupId?: string;
  /** Where organization.CountyMemberLinked is read; default the organization events topic. */
  readonly linksTopic?: string;
}

/**
 * Assistance's side of the county inbound topic (issue 17), started after boot and stopped at
 * shutdown beside the outbox relay (which carries the replies): the gate proves each message's
 * sender, keeps it inside the sender's county by the roster copy's paths, and runs the deed and
 * visit translations; their rows and events, the gate's rows and the reply commit together.
 * Beside it, organization.CountyMemberLinked (only as the organization service signed it) is
 * projected into county_member_links, exactly once through the inbox.
 */
@Injectable()
export class CountyInboundRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountyInboundRunner.name);
  private consumer: CountyInboundConsumer<EntityManager> | undefined;
  private links: EventConsumer<EntityManager> | undefined;
  private starting: KeptStarting[] = [];
  private client: ServiceKafka | undefined;
  private progress: GroupReadThrough | undefined;
  private readonly log: MessagingLogger = messagingLoggerOf(this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenVerifier,
    private readonly uow: TypeOrmUnitOfWork,
    private readonly deeds: RecordCountyDeedHandler,
    private readonly visits: LogCountyVisitHandler,
    @Inject(COUNTY_INBOUND_OPTIONS) private readonly options: CountyInboundOptions,
    @Inject(COUNTY_LINKS_ARRIVAL) private readonly arrival: LinksArrival,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    this.client = serviceKafka('assistance-county-inbound', this.options.brokers);
    const kafka = this.client.kafka;
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const verifier = OrgEventVerifier.fromEnv();
    const linksGroupId = this.options.linksGroupId ?? 'assistance.county-member-links';
    const linksTopic = this.options.linksTopic ?? CountyMemberLinked.topic;
    // A visit naming an unknown cadre waits for the links this consumer may still be reading.
    this.progress = new GroupReadThrough(kafka, linksGroupId, [linksTopic]);
    this.arrival.progress = this.progress;
    this.links = new EventConsumer<EntityManager>({
      kafka,
      groupId: linksGroupId,
      topics: [linksTopic],
      contracts: publicContracts,
      inbox: new TypeOrmInbox(this.dataSource),
      handlers: handle(CountyMemberLinked, async (event, { tx }) => {
        const signed = verifier.verify(event);
        if (!signed.ok) throw new PermanentHandlerError(`county member link not signed by the organization service (${signed.reason})`);
        await applyCountyMemberLink(tx, event);
      }),
      metrics: metricsRegistry,
      logger: this.log,
    });
    // Assistance's tree copy is the roster's: an organisation is in the county when its path holds the county.
    const scope = async (countyOrgId: string, orgId: string) => {
      const { rows } = await pool.query<{ inside: boolean }>(
        `select $2::uuid = any(path) and exists (select 1 from roster_organizations c where c.id = $2 and c.status = 'active') as inside
           from roster_organizations where id = $1`,
        [orgId, countyOrgId],
      );
      return rows[0]?.inside === true;
    };
    const within = (h: CountyBatchHandler<never>) =>
      ((messages, manager: EntityManager) => h(messages, this.uow.within(manager) as never)) as CountyBatchHandler<EntityManager>;
    this.consumer = new CountyInboundConsumer<EntityManager>({
      kafka,
      groupId: this.options.groupId ?? 'assistance.county-inbound',
      owner: 'assistance',
      tokenVerifier: this.tokens,
      knownCounties: this.options.knownCounties,
      contracts: publicContracts,
      scope,
      handlers: {
        [CountyDeedRecorded.type]: within(this.deeds.handle as CountyBatchHandler<never>),
        [CountyVisitLogged.type]: within(this.visits.handle as CountyBatchHandler<never>),
      },
      store: new TypeOrmCountyInboundStore(this.dataSource),
      schema: this.options.schema,
      outbox: { schema: this.options.schema },
      metrics: metricsRegistry,
      logger: this.log,
      ...(this.options.topic ? { topic: this.options.topic } : {}),
    });
    // Kafka down at boot: HTTP still answers, county messages and links wait in their topics, and each start is tried again.
    const [links, consumer] = [this.links, this.consumer];
    this.starting = [
      keepStarting(() => links.start(), { onError: (e, attempt) => this.startFailed('county member links', e, attempt) }),
      keepStarting(() => consumer.start(), { onError: (e, attempt) => this.startFailed('county inbound', e, attempt) }),
    ];
    await Promise.all(this.starting.map((s) => s.firstAttempt));
  }

  private startFailed(what: string, e: unknown, attempt: number): void {
    this.logger.warn(`${what} consumer did not start (attempt ${attempt}), trying again: ${e instanceof Error ? e.message : String(e)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const s of this.starting) s.stop();
    await this.consumer?.stop();
    await this.progress?.stop();
    await this.links?.stop();
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
