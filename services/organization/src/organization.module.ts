import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@vanguard/auth';
import { HealthModule, LoggingModule, MetricsModule, httpProbe, kafkaProbe, postgresProbe } from '@vanguard/observability';
import { DataSource } from 'typeorm';
import { MeHttpController } from './interface/http/me.http.controller';
import type { OrganizationConfig } from './organization.config';

/** Composition root of the organization service: binds ports to adapters. */
@Module({})
export class OrganizationModule {
  static register(config: OrganizationConfig): DynamicModule {
    return {
      module: OrganizationModule,
      imports: [
        LoggingModule,
        MetricsModule,
        AuthModule.forRoot(config.keycloak),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          schema: config.schema,
          synchronize: false,
          migrationsRun: false,
          // Keep retrying quietly at boot: readiness reports Postgres down meanwhile.
          retryAttempts: 10,
          extra: { max: 10, connectionTimeoutMillis: 3000 },
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
      controllers: [MeHttpController],
    };
  }
}
