import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Pool } from 'pg';
import { AuthModule, ScopeService } from '@vanguard/auth';
import { PostgresEventStore, type DeciderStreams } from '@vanguard/event-store';
import { PgIdempotencyStore, idempotencyProviders } from '@vanguard/http';
import { HealthModule, LoggingModule, MetricsModule, httpProbe, kafkaProbe, postgresProbe } from '@vanguard/observability';
import { CLOCK, type ClockPort } from './application/ports/clock.port';
import { ID_GENERATOR } from './application/ports/id-generator.port';
import { OBJECTION_FILINGS } from './application/ports/objection-filings.port';
import { ORG_TREE } from './application/ports/org-tree.port';
import { STREAMS } from './application/ports/streams.port';
import type { CommendationConfig } from './commendation.config';
import { commendationFeatures } from './features';
import { DatabaseModule, PG_POOL } from './infrastructure/database.module';
import { PostgresStreamsAdapter } from './infrastructure/event-store/postgres-streams.adapter';
import { OrgTreeRunner } from './infrastructure/org-tree/org-tree.runner';
import { PgObjectionFilings } from './infrastructure/public-notice/pg-objection-filings';
import { SqlOrgTreeAdapter } from './infrastructure/org-tree/sql-org-tree.adapter';
import { SystemClock } from './infrastructure/system/system-clock';
import { UuidIdGenerator } from './infrastructure/system/uuid-id-generator';
import { DomainErrorInterceptor } from './interface/http/domain-error.interceptor';

/** Composition root of the commendation service: binds ports to adapters; slices come from features/. */
@Module({})
export class CommendationModule {
  static register(config: CommendationConfig): DynamicModule {
    const features = commendationFeatures(config);
    return {
      module: CommendationModule,
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
      controllers: [...features.controllers],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
        ...idempotencyProviders([PG_POOL], (pool: Pool) => new PgIdempotencyStore(pool)),
        { provide: CLOCK, useClass: SystemClock },
        { provide: ID_GENERATOR, useClass: UuidIdGenerator },
        { provide: ScopeService, useValue: new ScopeService() },
        {
          provide: PostgresEventStore,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new PostgresEventStore(pool, { schema: config.schema }),
        },
        { provide: STREAMS, inject: [PostgresEventStore], useFactory: (store: PostgresEventStore) => new PostgresStreamsAdapter(store) },
        // Shared by the filing of objections and the decisions that read them (ADR 0113).
        {
          provide: OBJECTION_FILINGS,
          inject: [CLOCK, STREAMS],
          useFactory: (clock: ClockPort, streams: DeciderStreams) =>
            new PgObjectionFilings(config.databaseUrl, streams, config.objectionWaitMs, undefined, () => clock.now()),
        },
        {
          provide: ORG_TREE,
          inject: [PG_POOL, ScopeService],
          useFactory: (pool: Pool, scope: ScopeService) => new SqlOrgTreeAdapter(pool, scope),
        },
        {
          provide: OrgTreeRunner,
          inject: [PG_POOL, ScopeService],
          useFactory: (pool: Pool, scope: ScopeService) =>
            new OrgTreeRunner(pool, scope, {
              enabled: config.orgTreeConsumer ?? true,
              brokers: config.kafkaBrokers,
              groupId: config.orgTreeGroupId ?? 'commendation.org-tree',
            }),
        },
        ...features.providers,
      ],
    };
  }
}
