import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Pool } from 'pg';
import { AuthModule, ScopeService } from '@vanguard/auth';
import { PostgresEventStore } from '@vanguard/event-store';
import { PgIdempotencyStore, idempotencyProviders } from '@vanguard/http';
import { HealthModule, LoggingModule, MetricsModule, httpProbe, kafkaProbe, postgresProbe } from '@vanguard/observability';
import { AmendPledgeHandler } from './application/commands/amend-pledge/amend-pledge.handler';
import { CloseCycleHandler } from './application/commands/close-cycle/close-cycle.handler';
import { FilePledgeHandler } from './application/commands/file-pledge/file-pledge.handler';
import { FulfilPledgeHandler } from './application/commands/fulfil-pledge/fulfil-pledge.handler';
import { LapsePledgeHandler } from './application/commands/lapse-pledge/lapse-pledge.handler';
import { LaunchCampaignHandler } from './application/commands/launch-campaign/launch-campaign.handler';
import { MakePledgeHandler } from './application/commands/make-pledge/make-pledge.handler';
import { OpenCycleHandler } from './application/commands/open-cycle/open-cycle.handler';
import { PlanCycleHandler } from './application/commands/plan-cycle/plan-cycle.handler';
import { PublishPledgeHandler } from './application/commands/publish-pledge/publish-pledge.handler';
import { RatePledgeHandler } from './application/commands/rate-pledge/rate-pledge.handler';
import { ReportPledgeProgressHandler } from './application/commands/report-pledge-progress/report-pledge-progress.handler';
import { ReturnPledgeHandler } from './application/commands/return-pledge/return-pledge.handler';
import { CLOCK } from './application/ports/clock.port';
import { ID_GENERATOR } from './application/ports/id-generator.port';
import { ORG_TREE } from './application/ports/org-tree.port';
import { PLEDGE_READ_MODEL } from './application/ports/pledge-read-model.port';
import { STREAMS } from './application/ports/streams.port';
import { PledgeQueries } from './application/queries/pledge-queries';
import type { EvaluationConfig } from './evaluation.config';
import { evaluationFeatures } from './features';
import { DatabaseModule, PG_POOL } from './infrastructure/database.module';
import { PostgresStreamsAdapter } from './infrastructure/event-store/postgres-streams.adapter';
import { evaluationUpcasters } from './infrastructure/event-store/evaluation-event-versions';
import { OrgTreeRunner } from './infrastructure/org-tree/org-tree.runner';
import { SqlOrgTreeAdapter } from './infrastructure/org-tree/sql-org-tree.adapter';
import { PledgeProjectionRunner } from './infrastructure/projection/pledge-projection.runner';
import { PledgeViewProjection } from './infrastructure/projection/pledge-view.projection';
import { SqlPledgeReadModel } from './infrastructure/projection/sql-pledge.read-model';
import { SystemClock } from './infrastructure/system/system-clock';
import { UuidIdGenerator } from './infrastructure/system/uuid-id-generator';
import { CampaignsHttpController } from './interface/http/campaigns.http.controller';
import { DomainErrorInterceptor } from './interface/http/domain-error.interceptor';
import { PledgeQueriesHttpController } from './interface/http/pledge-queries.http.controller';
import { PledgesHttpController } from './interface/http/pledges.http.controller';

const commandHandlers = [
  LaunchCampaignHandler,
  PlanCycleHandler,
  OpenCycleHandler,
  CloseCycleHandler,
  MakePledgeHandler,
  FilePledgeHandler,
  ReturnPledgeHandler,
  AmendPledgeHandler,
  PublishPledgeHandler,
  ReportPledgeProgressHandler,
  FulfilPledgeHandler,
  LapsePledgeHandler,
  RatePledgeHandler,
];

/** Composition root of the evaluation service: binds ports to adapters. */
@Module({})
export class EvaluationModule {
  static register(config: EvaluationConfig): DynamicModule {
    const features = evaluationFeatures(config);
    return {
      module: EvaluationModule,
      imports: [
        LoggingModule,
        MetricsModule,
        DatabaseModule.forRoot(config.databaseUrl),
        AuthModule.forRoot(config.keycloak),
        HealthModule.register({
          inject: [PG_POOL],
          useFactory: (pool: Pool) => [
            postgresProbe(() => pool.query('select 1')),
            kafkaProbe(config.kafkaBrokers),
            httpProbe('keycloak', config.keycloak.jwksUri),
          ],
        }),
      ],
      controllers: [CampaignsHttpController, PledgeQueriesHttpController, PledgesHttpController, ...features.controllers],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
        ...idempotencyProviders([PG_POOL], (pool: Pool) => new PgIdempotencyStore(pool)),
        { provide: CLOCK, useClass: SystemClock },
        { provide: ID_GENERATOR, useClass: UuidIdGenerator },
        { provide: ScopeService, useValue: new ScopeService() },
        {
          provide: PostgresEventStore,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool, { schema: config.schema, upcasters: evaluationUpcasters }),
        },
        { provide: STREAMS, inject: [PostgresEventStore], useFactory: (store: PostgresEventStore) => new PostgresStreamsAdapter(store) },
        {
          provide: ORG_TREE,
          inject: [PG_POOL, ScopeService],
          useFactory: (pool: Pool, scope: ScopeService) => new SqlOrgTreeAdapter(pool, scope),
        },
        { provide: PLEDGE_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlPledgeReadModel(pool) },
        {
          provide: OrgTreeRunner,
          inject: [PG_POOL, ScopeService],
          useFactory: (pool: Pool, scope: ScopeService) =>
            new OrgTreeRunner(pool, scope, {
              enabled: config.orgTreeConsumer ?? true,
              brokers: config.kafkaBrokers,
              groupId: config.orgTreeGroupId ?? 'evaluation.org-tree',
            }),
        },
        {
          provide: PledgeProjectionRunner,
          inject: [PostgresEventStore, PG_POOL],
          useFactory: (store: PostgresEventStore, pool: Pool) =>
            new PledgeProjectionRunner(store, new PledgeViewProjection(pool), config.projectionName ?? 'evaluation.pledge-view'),
        },
        PledgeQueries,
        ...commandHandlers,
        ...features.providers,
      ],
    };
  }
}
