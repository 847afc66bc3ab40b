import type { Pool } from 'pg';
import { ScopeService, TokenVerifier } from '@vanguard/auth';
import { PostgresEventStore } from '@vanguard/event-store';
import { CountCountyWindowServicesHandler } from '../application/county/count-county-window-services.handler';
import { COUNTY_MEMBER_LINKS } from '../application/county/county-member-links.port';
import { COUNTY_STREAMS } from '../application/county/county-translation';
import { RecordCountyMassEvaluationHandler } from '../application/county/record-county-mass-evaluation.handler';
import { ReportCountyPledgeProgressHandler } from '../application/county/report-county-pledge-progress.handler';
import { TallyCountyDemocraticReviewHandler } from '../application/county/tally-county-democratic-review.handler';
import { PG_POOL } from '../infrastructure/database.module';
import { CountyInboundRunner } from '../infrastructure/county/county-inbound.runner';
import { PgCountyMemberLinks } from '../infrastructure/county/county-member-links.projection';
import { CountyMemberLinksRunner } from '../infrastructure/county/county-member-links.runner';
import { PgCountyStreamsAdapter } from '../infrastructure/county/pg-county-streams.adapter';
import type { EvaluationFeatureFactory } from './feature';

/**
 * County inbound (issue 17): pledge progress, democratic-review and mass-evaluation tallies and
 * window units' service records from county systems, translated into evaluation's commands behind the gate
 * (libs/county-inbound), with county member ids translated through county_member_links.
 */
export const countyFeature: EvaluationFeatureFactory = (config) => ({
  providers: [
    { provide: COUNTY_STREAMS, inject: [PostgresEventStore], useFactory: (store: PostgresEventStore) => new PgCountyStreamsAdapter(store) },
    {
      provide: PgCountyMemberLinks,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new PgCountyMemberLinks(pool, config.county?.linkGraceMs),
    },
    { provide: COUNTY_MEMBER_LINKS, useExisting: PgCountyMemberLinks },
    ReportCountyPledgeProgressHandler,
    TallyCountyDemocraticReviewHandler,
    RecordCountyMassEvaluationHandler,
    CountCountyWindowServicesHandler,
    {
      provide: CountyMemberLinksRunner,
      inject: [PG_POOL, PgCountyMemberLinks],
      useFactory: (pool: Pool, links: PgCountyMemberLinks) => {
        const runner = new CountyMemberLinksRunner(pool, links, {
          enabled: config.county?.enabled ?? false,
          brokers: config.kafkaBrokers,
          groupId: config.county?.linksGroupId ?? 'evaluation.county-member-links',
          ...(config.county?.linksTopic ? { topic: config.county.linksTopic } : {}),
        });
        // An unknown county member id waits for the links this runner may still be reading.
        links.arrival.progress = runner;
        return runner;
      },
    },
    {
      provide: CountyInboundRunner,
      inject: [
        PG_POOL,
        TokenVerifier,
        ScopeService,
        ReportCountyPledgeProgressHandler,
        TallyCountyDemocraticReviewHandler,
        RecordCountyMassEvaluationHandler,
        CountCountyWindowServicesHandler,
      ],
      useFactory: (
        pool: Pool,
        tokens: TokenVerifier,
        scope: ScopeService,
        pledgeProgress: ReportCountyPledgeProgressHandler,
        democraticReview: TallyCountyDemocraticReviewHandler,
        massEvaluation: RecordCountyMassEvaluationHandler,
        windowServices: CountCountyWindowServicesHandler,
      ) =>
        new CountyInboundRunner(
          pool,
          tokens,
          scope,
          { pledgeProgress, democraticReview, massEvaluation, windowServices },
          {
            enabled: config.county?.enabled ?? false,
            brokers: config.kafkaBrokers,
            knownCounties: config.county?.knownCounties ?? [],
            groupId: config.county?.groupId ?? 'evaluation.county-inbound',
            schema: config.schema,
            ...(config.county?.topic ? { topic: config.county.topic } : {}),
          },
        ),
    },
  ],
});
