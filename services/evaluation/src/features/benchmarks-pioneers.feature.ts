import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { ChooseBenchmarkHandler } from '../application/commands/choose-benchmark/choose-benchmark.handler';
import { ConfirmBenchmarkReachedHandler } from '../application/commands/confirm-benchmark-reached/confirm-benchmark-reached.handler';
import { NominateQuarterPioneerHandler } from '../application/commands/nominate-quarter-pioneer/nominate-quarter-pioneer.handler';
import { ReportBenchmarkProgressHandler } from '../application/commands/report-benchmark-progress/report-benchmark-progress.handler';
import { SelectQuarterPioneerHandler } from '../application/commands/select-quarter-pioneer/select-quarter-pioneer.handler';
import { BENCHMARK_PIONEER_READ_MODEL } from '../application/queries/benchmarks-pioneers/benchmark-pioneer-read-model.port';
import { BenchmarkPioneerQueries } from '../application/queries/benchmarks-pioneers/benchmark-pioneer.queries';
import { PG_POOL } from '../infrastructure/database.module';
import { BenchmarkPioneerProjection } from '../infrastructure/projection/benchmarks-pioneers/benchmark-pioneer.projection';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { SqlBenchmarkPioneerReadModel } from '../infrastructure/projection/benchmarks-pioneers/sql-benchmark-pioneer.read-model';
import { BenchmarksHttpController } from '../interface/http/benchmarks-pioneers/benchmarks.http.controller';
import { PioneersHttpController } from '../interface/http/benchmarks-pioneers/pioneers.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** The projection's subscription; one instance per name delivers. */
export const BENCHMARK_PIONEER_PROJECTION = 'evaluation.benchmark-pioneer-view';
const RUNNER = Symbol('BENCHMARK_PIONEER_PROJECTION_RUNNER');

/** 对标定位 and 一季一先锋 (issue 10): commands, their projection and its reads. */
export const benchmarksPioneersFeature: EvaluationFeatureFactory = () => ({
  controllers: [BenchmarksHttpController, PioneersHttpController],
  providers: [
    ChooseBenchmarkHandler,
    ReportBenchmarkProgressHandler,
    ConfirmBenchmarkReachedHandler,
    NominateQuarterPioneerHandler,
    SelectQuarterPioneerHandler,
    BenchmarkPioneerQueries,
    { provide: BENCHMARK_PIONEER_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlBenchmarkPioneerReadModel(pool) },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new BenchmarkPioneerProjection(pool), BENCHMARK_PIONEER_PROJECTION),
    },
  ],
});
