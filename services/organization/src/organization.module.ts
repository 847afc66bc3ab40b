import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vanguard/auth';
import { LongWork, PgIdempotencyStore, idempotencyProviders } from '@vanguard/http';
import {
  HealthModule,
  LoggingModule,
  MetricsModule,
  hearsItsOwnErrors,
  httpProbe,
  metricsRegistry,
  kafkaProbe,
  postgresProbe,
} from '@vanguard/observability';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AssignMemberRoleHandler } from './application/commands/assign-member-role/assign-member-role.handler';
import { CompleteTransferHandler } from './application/commands/complete-transfer/complete-transfer.handler';
import { DecideTransferHandler } from './application/commands/decide-transfer/decide-transfer.handler';
import { DissolveOrganizationHandler } from './application/commands/dissolve-organization/dissolve-organization.handler';
import { EnrolMemberHandler } from './application/commands/enrol-member/enrol-member.handler';
import { EstablishContactPointHandler } from './application/commands/establish-contact-point/establish-contact-point.handler';
import { GrantVanguardPostHandler } from './application/commands/grant-vanguard-post/grant-vanguard-post.handler';
import { MakeMemberFullHandler } from './application/commands/make-member-full/make-member-full.handler';
import { LogVisitHandler } from './application/commands/log-visit/log-visit.handler';
import { MergeOrganizationHandler } from './application/commands/merge-organization/merge-organization.handler';
import { MoveOrganizationHandler } from './application/commands/move-organization/move-organization.handler';
import { RegisterOrganizationHandler } from './application/commands/register-organization/register-organization.handler';
import { RemoveMemberHandler } from './application/commands/remove-member/remove-member.handler';
import { RenameOrganizationHandler } from './application/commands/rename-organization/rename-organization.handler';
import { RequestTransferHandler } from './application/commands/request-transfer/request-transfer.handler';
import { CLOCK } from './application/ports/clock.port';
import { CONTACT_POINT_REPOSITORY } from './application/ports/contact-point.repository.port';
import { ID_GENERATOR } from './application/ports/id-generator.port';
import { MEMBER_TRANSFER_REPOSITORY } from './application/ports/member-transfer.repository.port';
import { MEMBER_REPOSITORY } from './application/ports/member.repository.port';
import { ENROLMENT_WRITE } from './application/ports/enrolment-write.port';
import { PgEnrolmentWrite } from './infrastructure/persistence/pg-enrolment-write';
import { ORGANIZATION_READ_MODEL } from './application/ports/organization-read-model.port';
import { ORGANIZATION_REPOSITORY } from './application/ports/organization.repository.port';
import { OUTBOX } from './application/ports/outbox.port';
import { PERSONAL_DATA_CIPHER } from './application/ports/personal-data-cipher.port';
import { UNIT_OF_WORK } from './application/ports/unit-of-work.port';
import { organizationQueryHandlers } from './application/queries';
import { AesGcmPersonalDataCipher, CIPHER_REFRESH_MS, dataSourceSql } from './infrastructure/crypto/aes-gcm-personal-data-cipher';
import { OutboxRelayRunner, RELAY_OPTIONS } from './infrastructure/outbox/outbox-relay.runner';
import { RosterStateRunner } from './infrastructure/roster-state/roster-state.runner';
import { COUNTY_INBOUND_OPTIONS, CountyInboundRunner } from './infrastructure/county/county-inbound.runner';
import { CountyDecisionFeedRunner } from './infrastructure/county/county-decision-feed.runner';
import { TypeOrmOutboxAdapter } from './infrastructure/outbox/typeorm-outbox.adapter';
import { ContactPointOrmEntity, ContactPointVisitOrmEntity } from './infrastructure/persistence/contact-point.orm-entity';
import { MemberTransferOrmEntity } from './infrastructure/persistence/member-transfer.orm-entity';
import { MemberMapper } from './infrastructure/persistence/member.mapper';
import { MemberHistoryOrmEntity, MemberOrmEntity } from './infrastructure/persistence/member.orm-entity';
import { OrganizationOrmEntity } from './infrastructure/persistence/organization.orm-entity';
import { SqlOrganizationReadModel } from './infrastructure/persistence/sql-organization.read-model';
import { TypeOrmContactPointRepository } from './infrastructure/persistence/typeorm-contact-point.repository';
import { TypeOrmMemberTransferRepository } from './infrastructure/persistence/typeorm-member-transfer.repository';
import { TypeOrmMemberRepository } from './infrastructure/persistence/typeorm-member.repository';
import { TypeOrmOrganizationRepository } from './infrastructure/persistence/typeorm-organization.repository';
import { TypeOrmUnitOfWork } from './infrastructure/persistence/typeorm-unit-of-work';
import { SystemClock } from './infrastructure/system/system-clock';
import { UuidIdGenerator } from './infrastructure/system/uuid-id-generator';
import { ContactPointsHttpController } from './interface/http/contact-points.http.controller';
import { DomainErrorInterceptor } from './interface/http/domain-error.interceptor';
import { MeHttpController } from './interface/http/me.http.controller';
import { MembersHttpController } from './interface/http/members.http.controller';
import { OrganizationsHttpController } from './interface/http/organizations.http.controller';
import { TransfersHttpController } from './interface/http/transfers.http.controller';
import { EXPORT_LIMITER, IMPORT_LIMITER, RosterHttpController } from './interface/http/roster.http.controller';
import { ROSTER_EXPORTS, ROSTER_IMPORTS } from './application/ports/roster.port';
import { PgRosterExports } from './infrastructure/roster/pg-roster-exports';
import { PgRosterImports } from './infrastructure/roster/pg-roster-imports';
import { ImportLeftovers } from './infrastructure/roster/import-leftovers';
import { PgIdNumberReviews } from './infrastructure/roster/pg-id-number-reviews';
import { PgEnrolmentIdNumberChecks } from './infrastructure/roster/pg-enrolment-id-number-checks';
import { ID_NUMBER_CHECKS } from './application/ports/id-number-checks.port';
import { ID_NUMBER_REVIEWS } from './application/ports/id-number-reviews.port';
import { IdNumberReviewsHttpController } from './interface/http/id-number-reviews.http.controller';
import type { OrganizationConfig } from './organization.config';
import { rosterLimits, ROSTER_LIMITS, type WithRosterLimits } from './roster-limits.config';

export const ORM_ENTITIES = [
  OrganizationOrmEntity,
  MemberOrmEntity,
  MemberHistoryOrmEntity,
  MemberTransferOrmEntity,
  ContactPointOrmEntity,
  ContactPointVisitOrmEntity,
];

const commandHandlers = [
  RegisterOrganizationHandler,
  RenameOrganizationHandler,
  MoveOrganizationHandler,
  MergeOrganizationHandler,
  DissolveOrganizationHandler,
  EnrolMemberHandler,
  AssignMemberRoleHandler,
  GrantVanguardPostHandler,
  MakeMemberFullHandler,
  RemoveMemberHandler,
  RequestTransferHandler,
  DecideTransferHandler,
  CompleteTransferHandler,
  EstablishContactPointHandler,
  LogVisitHandler,
];

/** Composition root of the organization service: binds ports to adapters. */
@Module({})
export class OrganizationModule {
  static register(config: OrganizationConfig & WithRosterLimits): DynamicModule {
    const limits = config.roster ?? rosterLimits();
    return {
      module: OrganizationModule,
      imports: [
        LoggingModule,
        MetricsModule,
        CqrsModule.forRoot(),
        AuthModule.forRoot(config.keycloak),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          schema: config.schema,
          entities: ORM_ENTITIES,
          synchronize: false,
          migrationsRun: false,
          // Keep retrying quietly at boot: readiness reports Postgres down meanwhile.
          retryAttempts: 10,
          extra: { max: 10, connectionTimeoutMillis: 3000, onConnect: hearsItsOwnErrors },
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
      controllers: [
        MeHttpController,
        OrganizationsHttpController,
        MembersHttpController,
        TransfersHttpController,
        ContactPointsHttpController,
        RosterHttpController,
        IdNumberReviewsHttpController,
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
        ...idempotencyProviders(
          [DataSource],
          (ds: DataSource) => new PgIdempotencyStore((ds.driver as unknown as { master: Pool }).master),
        ),
        { provide: CLOCK, useClass: SystemClock },
        { provide: ID_GENERATOR, useClass: UuidIdGenerator },
        {
          provide: PERSONAL_DATA_CIPHER,
          inject: [DataSource],
          // Keys unwrapped at boot and read again every 15 s: a rotation stages its new data key
          // for longer than that before activating it, so no instance meets a key it lacks.
          useFactory: (ds: DataSource) =>
            AesGcmPersonalDataCipher.load(dataSourceSql(ds), { refreshMs: CIPHER_REFRESH_MS, metrics: metricsRegistry }),
        },
        TypeOrmUnitOfWork,
        { provide: UNIT_OF_WORK, useExisting: TypeOrmUnitOfWork },
        MemberMapper,
        { provide: ORGANIZATION_REPOSITORY, useClass: TypeOrmOrganizationRepository },
        { provide: MEMBER_REPOSITORY, useClass: TypeOrmMemberRepository },
        { provide: ENROLMENT_WRITE, useClass: PgEnrolmentWrite },
        { provide: MEMBER_TRANSFER_REPOSITORY, useClass: TypeOrmMemberTransferRepository },
        { provide: CONTACT_POINT_REPOSITORY, useClass: TypeOrmContactPointRepository },
        { provide: ORGANIZATION_READ_MODEL, useClass: SqlOrganizationReadModel },
        { provide: OUTBOX, useClass: TypeOrmOutboxAdapter },
        { provide: RELAY_OPTIONS, useValue: { enabled: config.relay ?? true, brokers: config.kafkaBrokers, schema: config.schema } },
        OutboxRelayRunner,
        RosterStateRunner,
        {
          provide: COUNTY_INBOUND_OPTIONS,
          useValue: { enabled: false, knownCounties: [], ...config.county, brokers: config.kafkaBrokers },
        },
        CountyInboundRunner,
        CountyDecisionFeedRunner,
        { provide: ROSTER_IMPORTS, useClass: PgRosterImports },
        ImportLeftovers,
        { provide: ID_NUMBER_REVIEWS, useClass: PgIdNumberReviews },
        { provide: ROSTER_EXPORTS, useClass: PgRosterExports },
        { provide: ID_NUMBER_CHECKS, useClass: PgEnrolmentIdNumberChecks },
        { provide: ROSTER_LIMITS, useValue: limits },
        // One per process: shutdown waits on it (main.ts), every limiter is made from it.
        { provide: LongWork, useValue: new LongWork() },
        {
          provide: EXPORT_LIMITER,
          inject: [LongWork],
          useFactory: (w: LongWork) => w.limiter({ zh: '导出', en: 'exports' }, limits.exports),
        },
        {
          provide: IMPORT_LIMITER,
          inject: [LongWork],
          useFactory: (w: LongWork) => w.limiter({ zh: '导入', en: 'imports' }, limits.imports),
        },
        ...commandHandlers,
        ...organizationQueryHandlers,
      ],
    };
  }
}
