import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vanguard/auth';
import { LinksArrival } from '@vanguard/county-inbound';
import { LongWork, PgIdempotencyStore, idempotencyProviders } from '@vanguard/http';
import {
  HealthModule,
  LoggingModule,
  MetricsModule,
  hearsItsOwnErrors,
  httpProbe,
  kafkaProbe,
  postgresProbe,
} from '@vanguard/observability';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { OVERSIGHT_READ_MODEL, READ_MODEL } from './application/ports/read-model.port';
import { FIELD_WORK, FUNDS, PAIRINGS, PROJECTS } from './application/ports/repositories.port';
import { ROSTER } from './application/ports/roster.port';
import { CLOCK, ID_GENERATOR } from './application/ports/system.port';
import { UNIT_OF_WORK } from './application/ports/unit-of-work.port';
import { COUNTY_FIELD_WORK, COUNTY_LINKS_ARRIVAL } from './application/county/county-field-work.port';
import { LogCountyVisitHandler } from './application/county/log-county-visit.handler';
import { RecordCountyDeedHandler } from './application/county/record-county-deed.handler';
import { FieldWorkHandlers } from './application/use-cases/field-work.use-cases';
import { FundHandlers } from './application/use-cases/funds.use-cases';
import { FormPairingHandler } from './application/use-cases/pairings.use-cases';
import { ProjectAccess, ProjectHandlers } from './application/use-cases/projects.use-cases';
import type { AssistanceConfig } from './assistance.config';
import { PROJECT_IMPORT_LIMITER, PROJECT_IMPORT_LIMITS, projectImportLimits } from './import-limits.config';
import { COUNTY_INBOUND_OPTIONS, CountyInboundRunner } from './infrastructure/county/county-inbound.runner';
import { PgCountyFieldWorkRepository } from './infrastructure/county/pg-county-field-work.repository';
import { OutboxRelayRunner, RELAY_OPTIONS } from './infrastructure/outbox/outbox-relay.runner';
import { PgFieldWorkRepository } from './infrastructure/persistence/pg-field-work.repository';
import { PgFundRepository } from './infrastructure/persistence/pg-funds.repository';
import { PgPairingRepository } from './infrastructure/persistence/pg-pairings.repository';
import { PgProjectRepository } from './infrastructure/persistence/pg-projects.repository';
import { PgOversightReadModel } from './infrastructure/persistence/pg-oversight-read-model';
import { PgAssistanceReadModel } from './infrastructure/persistence/pg-read-model';
import { TypeOrmUnitOfWork } from './infrastructure/persistence/typeorm-unit-of-work';
import { PgRoster } from './infrastructure/roster/pg-roster';
import { RosterRunner } from './infrastructure/roster/roster.runner';
import { SystemClock, UuidIdGenerator } from './infrastructure/system/system';
import { DomainErrorInterceptor } from './interface/http/domain-error.interceptor';
import { CadresHttpController, DeedsHttpController, HouseholdsHttpController } from './interface/http/field-work.http.controller';
import { DisclosureHttpController, OversightHttpController } from './interface/http/oversight.http.controller';
import { PairingsHttpController } from './interface/http/pairings.http.controller';
import { ProjectImportHttpController } from './interface/http/project-import.http.controller';
import { ProjectsHttpController } from './interface/http/projects.http.controller';

const poolOf = (ds: DataSource): Pool => (ds.driver as unknown as { master: Pool }).master;

/** Composition root of the assistance service: binds ports to adapters. */
@Module({})
export class AssistanceModule {
  static register(config: AssistanceConfig): DynamicModule {
    const importLimits = config.projectImport ?? projectImportLimits();
    return {
      module: AssistanceModule,
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
          // A burst on one project queues for connections while each waits its turn on the row lock:
          // wait up to 10 s for one, then answer 503 (TypeOrmUnitOfWork), never a 500.
          extra: { max: 10, connectionTimeoutMillis: config.databaseConnectWaitMs ?? 10_000, onConnect: hearsItsOwnErrors },
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
        PairingsHttpController,
        // Before ProjectsHttpController, so `import` is never read as a project id.
        ProjectImportHttpController,
        ProjectsHttpController,
        CadresHttpController,
        HouseholdsHttpController,
        DeedsHttpController,
        OversightHttpController,
        DisclosureHttpController,
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
        ...idempotencyProviders([DataSource], (ds: DataSource) => new PgIdempotencyStore(poolOf(ds))),
        { provide: PROJECT_IMPORT_LIMITS, useValue: importLimits },
        // One per process, every limiter made from it (the shutdown ADR 0019 describes waits on it).
        { provide: LongWork, useValue: new LongWork() },
        {
          provide: PROJECT_IMPORT_LIMITER,
          inject: [LongWork],
          useFactory: (w: LongWork) => w.limiter({ zh: '导入', en: 'imports' }, importLimits.imports),
        },
        { provide: CLOCK, useClass: SystemClock },
        { provide: ID_GENERATOR, useClass: UuidIdGenerator },
        TypeOrmUnitOfWork,
        { provide: UNIT_OF_WORK, useExisting: TypeOrmUnitOfWork },
        { provide: PAIRINGS, useClass: PgPairingRepository },
        { provide: PROJECTS, useClass: PgProjectRepository },
        { provide: FUNDS, useClass: PgFundRepository },
        { provide: FIELD_WORK, useClass: PgFieldWorkRepository },
        { provide: READ_MODEL, useClass: PgAssistanceReadModel },
        { provide: OVERSIGHT_READ_MODEL, useClass: PgOversightReadModel },
        { provide: ROSTER, inject: [DataSource], useFactory: (ds: DataSource) => new PgRoster(poolOf(ds)) },
        {
          provide: RELAY_OPTIONS,
          useValue: {
            enabled: config.relay ?? true,
            brokers: config.kafkaBrokers,
            schema: config.schema,
            topic: config.relayTopic || undefined,
          },
        },
        OutboxRelayRunner,
        {
          provide: RosterRunner,
          inject: [DataSource],
          useFactory: (ds: DataSource) =>
            new RosterRunner(poolOf(ds), { enabled: config.roster ?? true, brokers: config.kafkaBrokers, groupId: 'assistance.roster' }),
        },
        FormPairingHandler,
        ProjectAccess,
        ProjectHandlers,
        FundHandlers,
        FieldWorkHandlers,
        { provide: COUNTY_FIELD_WORK, useClass: PgCountyFieldWorkRepository },
        { provide: COUNTY_LINKS_ARRIVAL, useValue: new LinksArrival(config.county?.linkGraceMs) },
        RecordCountyDeedHandler,
        LogCountyVisitHandler,
        {
          provide: COUNTY_INBOUND_OPTIONS,
          useValue: {
            enabled: config.county?.enabled ?? false,
            brokers: config.kafkaBrokers,
            knownCounties: config.county?.knownCounties ?? [],
            schema: config.schema,
            ...(config.county?.groupId ? { groupId: config.county.groupId } : {}),
            ...(config.county?.topic ? { topic: config.county.topic } : {}),
            ...(config.county?.linksGroupId ? { linksGroupId: config.county.linksGroupId } : {}),
            ...(config.county?.linksTopic ? { linksTopic: config.county.linksTopic } : {}),
          },
        },
        CountyInboundRunner,
      ],
    };
  }
}
