import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { serviceEventVerifier } from '@vanguard/auth';
import { CountyDecisionFeed } from '@vanguard/county-inbound';
import { serviceKafka, type ServiceKafka, messagingLoggerOf } from '@vanguard/messaging';
import { COUNTY_INBOUND_OPTIONS, type CountyInboundOptions } from './county-inbound.runner';
import { TreeCountyScope } from './tree-county-scope';

/**
 * Runs the county decision feed beside the service (ADR 0062): organization owns the tree, so it
 * is the one that can say which county a decision is about. Enabled with the county gate; a
 * county without an organisation (VANGUARD_COUNTY_ORGS) gets no feed and is named in the log.
 */
@Injectable()
export class CountyDecisionFeedRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CountyDecisionFeedRunner.name);
  private feed: CountyDecisionFeed | undefined;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private wake: () => void = () => undefined;
  private client: ServiceKafka | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(COUNTY_INBOUND_OPTIONS) private readonly options: CountyInboundOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    const orgs = this.options.countyOrgs ?? {};
    const counties = this.options.knownCounties.filter((c) => orgs[c]).map((clientId) => ({ clientId, countyOrgId: orgs[clientId]! }));
    const without = this.options.knownCounties.filter((c) => !orgs[c]);
    if (without.length)
      this.logger.warn(`no organisation configured for ${without.join(', ')} (VANGUARD_COUNTY_ORGS): no decision feed for them`);
    if (counties.length === 0) return;
    const { within, kafka, ...topics } = this.options.decisionFeedOverrides ?? {};
    this.client = serviceKafka('organization-county-decisions', this.options.brokers, kafka);
    const feed: CountyDecisionFeed = new CountyDecisionFeed({
      kafka: this.client.kafka,
      groupId: this.options.decisionFeedGroupId ?? 'organization.county-decisions',
      counties,
      within: within ?? this.treeScope().within,
      verifier: serviceEventVerifier('organization'),
      ...topics,
      logger: messagingLoggerOf(this.logger),
      onCrash: (e) => this.restartAfterCrash(feed, e),
    });
    this.feed = feed;
    this.starting = this.startWhenKafkaAnswers(feed);
  }

  private treeScope(): TreeCountyScope {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    return new TreeCountyScope((sql, params) => pool.query(sql, params).then((r) => r.rows as never));
  }

  /** Kafka down at boot: the service still starts; the feed catches up from its group's offsets later. */
  private async startWhenKafkaAnswers(feed: CountyDecisionFeed): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await feed.start();
        return;
      } catch (e) {
        if (this.stopped) return;
        this.logger.warn(`county decision feed did not start (attempt ${attempt}): ${e instanceof Error ? e.message : String(e)}`);
        await feed.stop().catch(() => undefined);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, Math.min(30_000, 500 * 2 ** attempt));
          this.wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    }
  }

  /** Restarted here, after the start in flight, so that shutdown (which waits for it) sees every restart. */
  private restartAfterCrash(feed: CountyDecisionFeed, error: Error): void {
    if (this.stopped) return;
    this.logger.warn(`county decision feed stopped by an error; restarting: ${error.message}`);
    const before = this.starting;
    this.starting = (async () => {
      await before;
      await feed.stop().catch(() => undefined);
      await this.startWhenKafkaAnswers(feed);
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    // Cut a start in flight short (its connects fail), wait for it, then release what it connected.
    await this.feed?.stop().catch(() => undefined);
    await this.starting;
    await this.feed?.stop();
    // What kafkajs connected behind its own disconnect (see ServiceKafka) must not outlive the service.
    this.client?.closeLeftovers((m) => this.logger.warn(m));
  }
}
