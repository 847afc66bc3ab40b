import { Global, Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { AuthModule, ScopeService } from '@vanguard/auth';
import { LongWork } from '@vanguard/http';
import { HealthModule, LoggingModule, MetricsModule, httpProbe, postgresProbe, heardPool } from '@vanguard/observability';
import { ProjectionRunner } from './infrastructure/projection/projection.runner';
import { RPT_ORG_TABLE } from './infrastructure/projection/projection-handlers';
import { SqlBreakdownReadModel } from './infrastructure/sql-breakdown.read-model';
import { SqlFiguresReadModel } from './infrastructure/sql-figures.read-model';
import { LagHttpController } from './interface/http/lag.http.controller';
import { REPORT_RENDERS, REPORT_TRACES, reportRenders, reportTraces } from './interface/http/report-renders';
import { ExportRenderer } from './infrastructure/export/export-renderer';
import { ReportsHttpController } from './interface/http/reports.http.controller';
import type { ReportingConfig } from './reporting.config';

export const REPORTING_POOL = Symbol('REPORTING_POOL');
/** The dashboards', summaries' and traces' connections, apart from the projection's (ADR 0096). */
export const REPORTING_READ_POOL = Symbol('REPORTING_READ_POOL');

class PoolCloser implements OnModuleDestroy {
  constructor(
    @Inject(REPORTING_POOL) private readonly pool: Pool,
    @Inject(REPORTING_READ_POOL) private readonly reads: Pool,
  ) {}
  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.pool.end(), this.reads.end()]);
  }
}

/**
 * Reads are prepared statements planned with their values every time (ADR 0096): a generic plan
 * fits a county and not the province, whose totals are many rows. Only on this pool: the
 * projection's triggers keep their plans (ADR 0055's planned statements).
 */
function readPool(url: string): Pool {
  // A startup option, not a SET: a connection that cannot have it fails to open, loudly, and a
  // pooler cannot hand the setting to some other client's session.
  const u = new URL(url);
  u.searchParams.set('options', [u.searchParams.get('options'), '-c plan_cache_mode=force_custom_plan'].filter(Boolean).join(' '));
  return heardPool('reporting reads', { connectionString: u.toString(), max: 10, connectionTimeoutMillis: 3000 });
}

@Global()
@Module({})
class ReportingPoolModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: ReportingPoolModule,
      providers: [
        {
          provide: REPORTING_POOL,
          useFactory: () => heardPool('reporting', { connectionString: url, max: 10, connectionTimeoutMillis: 3000 }),
        },
        { provide: REPORTING_READ_POOL, useFactory: () => readPool(url) },
        PoolCloser,
      ],
      exports: [REPORTING_POOL, REPORTING_READ_POOL],
    };
  }
}

/** Composition root of the reporting service: projections fed from Kafka, read-only HTTP over them. */
@Module({})
export class ReportingModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        LoggingModule,
        MetricsModule,
        ReportingPoolModule.forRoot(config.databaseUrl),
        AuthModule.forRoot(config.keycloak),
        HealthModule.register({
          inject: [REPORTING_POOL],
          useFactory: (pool: Pool) => [postgresProbe(() => pool.query('select 1')), httpProbe('keycloak', config.keycloak.jwksUri)],
        }),
      ],
      controllers: [ReportsHttpController, LagHttpController],
      providers: [
        // Scope answers from the projection's own organisation copy (same columns as libs/auth's org_tree).
        { provide: ScopeService, useValue: new ScopeService({ table: RPT_ORG_TABLE }) },
        // Renders are its long work: SIGTERM lets a running one finish (createHttpApp's shutdown).
        { provide: LongWork, useValue: new LongWork() },
        { provide: REPORT_RENDERS, inject: [LongWork], useFactory: (w: LongWork) => reportRenders(w) },
        // Traces are bounded too: unbounded, ten of them held every connection the dashboards read through.
        { provide: REPORT_TRACES, inject: [LongWork], useFactory: (w: LongWork) => reportTraces(w) },
        // PDFs render off the request thread: dashboards do not wait behind a province's summary.
        { provide: ExportRenderer, useFactory: () => new ExportRenderer(config.renderThreads) },
        { provide: SqlFiguresReadModel, inject: [REPORTING_READ_POOL], useFactory: (pool: Pool) => new SqlFiguresReadModel(pool) },
        { provide: SqlBreakdownReadModel, inject: [REPORTING_READ_POOL], useFactory: (pool: Pool) => new SqlBreakdownReadModel(pool) },
        {
          provide: ProjectionRunner,
          inject: [REPORTING_POOL, ScopeService],
          useFactory: (pool: Pool, scope: ScopeService) => new ProjectionRunner(pool, scope, config.kafka),
        },
      ],
    };
  }
}
