import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, ScopeService } from '@vanguard/auth';
import { DomainErrorInterceptor, PgIdempotencyStore, idempotencyProviders } from '@vanguard/http';
import {
  HealthModule,
  LoggingModule,
  MetricsModule,
  answeredAheadReceipts,
  httpProbe,
  kafkaProbe,
  postgresProbe,
  hearsItsOwnErrors,
} from '@vanguard/observability';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Access } from './application/access';
import { ArticlesService } from './application/articles.service';
import { ATTACHMENT_STORE } from './application/attachment-store.port';
import { AttachmentsService } from './application/attachments.service';
import { ExemplarsService } from './application/exemplars.service';
import { HonourRollService } from './application/honour-roll.service';
import { MediaStatsService } from './application/media-stats.service';
import { PgAttachmentStore } from './infrastructure/attachments/pg-attachment-store';
import { DecisionsRunner } from './infrastructure/consumer/decisions.runner';
import { HonourRollVersion } from './infrastructure/honour-roll/honour-roll-version';
import { OrgTreeRunner } from './infrastructure/org-tree/org-tree.runner';
import { OutboxRelayRunner, RELAY_OPTIONS } from './infrastructure/outbox/outbox-relay.runner';
import { UnitOfWork } from './infrastructure/persistence/unit-of-work';
import { ArticlesHttpController } from './interface/http/articles.http.controller';
import { AttachmentsHttpController } from './interface/http/attachments.http.controller';
import { ExemplarsHttpController } from './interface/http/exemplars.http.controller';
import { HonourRollRateGuard, HonourRollRateLimiter } from './interface/http/honour-roll-rate-limiter';
import { HonourRollFastPath } from './interface/http/honour-roll.fast-path';
import { HonourRollHttpController } from './interface/http/honour-roll.http.controller';
import { HonourRollPages } from './interface/http/honour-roll.pages';
import type { PublicityConfig } from './publicity.config';

const poolOf = (ds: DataSource): Pool => (ds.driver as unknown as { master: Pool }).master;

/** Composition root of the publicity service. */
@Module({})
export class PublicityModule {
  static register(config: PublicityConfig): DynamicModule {
    return {
      module: PublicityModule,
      imports: [
        LoggingModule,
        MetricsModule,
        AuthModule.forRoot(config.keycloak),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          schema: config.schema,
          entities: [],
          synchronize: false,
          migrationsRun: false,
          retryAttempts: 10,
          extra: { max: 10, connectionTimeoutMillis: 10_000, onConnect: hearsItsOwnErrors },
        }),
        HealthModule.register({
          inject: [DataSource],
          useFactory: (ds: DataSource) => [
            postgresProbe(() => ds.query('select 1')),
            kafkaProbe(config.kafkaBrokers),
            httpProbe('keycloak', config.keycloak.jwksUri),
          ],
        }),
      ],
      controllers: [HonourRollHttpController, ExemplarsHttpController, ArticlesHttpController, AttachmentsHttpController],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
        ...idempotencyProviders([DataSource], (ds: DataSource) => new PgIdempotencyStore(poolOf(ds))),
        { provide: ScopeService, useValue: new ScopeService() },
        { provide: HonourRollRateLimiter, useValue: new HonourRollRateLimiter(config.honourRollReadsPerMinute) },
        HonourRollRateGuard,
        { provide: HonourRollPages, useValue: new HonourRollPages() },
        { provide: HonourRollVersion, inject: [DataSource], useFactory: (ds: DataSource) => new HonourRollVersion(poolOf(ds)) },
        // A roll page rendered at the current version is answered ahead of Express (honour-roll.fast-path.ts, ADR 0066).
        {
          provide: HonourRollFastPath,
          inject: [HonourRollVersion, HonourRollPages, HonourRollRateLimiter, HttpAdapterHost],
          useFactory: (version: HonourRollVersion, pages: HonourRollPages, limiter: HonourRollRateLimiter, host: HttpAdapterHost) =>
            new HonourRollFastPath(version, pages, limiter, answeredAheadReceipts(), host),
        },
        UnitOfWork,
        Access,
        ExemplarsService,
        ArticlesService,
        MediaStatsService,
        HonourRollService,
        AttachmentsService,
        { provide: ATTACHMENT_STORE, useClass: PgAttachmentStore },
        { provide: RELAY_OPTIONS, useValue: { enabled: config.relay ?? true, brokers: config.kafkaBrokers, schema: config.schema } },
        OutboxRelayRunner,
        {
          provide: OrgTreeRunner,
          inject: [DataSource, ScopeService],
          useFactory: (ds: DataSource, scope: ScopeService) =>
            new OrgTreeRunner(poolOf(ds), scope, {
              enabled: config.orgTree ?? true,
              brokers: config.kafkaBrokers,
              groupId: config.orgTreeGroupId ?? 'publicity.org-tree',
            }),
        },
        {
          provide: DecisionsRunner,
          inject: [DataSource, UnitOfWork, HonourRollVersion],
          useFactory: (ds: DataSource, uow: UnitOfWork, version: HonourRollVersion) =>
            new DecisionsRunner(
              ds,
              uow,
              {
                enabled: config.decisions ?? true,
                brokers: config.kafkaBrokers,
                groupId: config.decisionsGroupId ?? 'publicity.decisions',
              },
              version,
            ),
        },
      ],
    };
  }
}
