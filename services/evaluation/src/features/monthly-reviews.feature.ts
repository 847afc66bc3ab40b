import type { Pool } from 'pg';
import { PostgresEventStore, type DeciderStreams } from '@vanguard/event-store';
import { MonthlyReviewHandlers } from '../application/commands/monthly-reviews/monthly-review.handlers';
import { PG_POOL } from '../infrastructure/database.module';
import { FieldWorkViewProjection } from '../infrastructure/field-work/field-work-view.projection';
import { SqlMonthlyReviewResults } from '../infrastructure/field-work/sql-monthly-review-results';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { MonthlyReviewsHttpController } from '../interface/http/monthly-reviews/monthly-reviews.http.controller';
import { WindowUnitsHttpController } from '../interface/http/window-units/window-units.http.controller';
import { WindowUnitsPublicHttpController } from '../interface/http/window-units/window-units-public.http.controller';
import { WindowUnitHandlers } from '../application/commands/window-units/window-unit.handlers';
import { MONTHLY_REVIEW_ROUNDS } from '../application/ports/monthly-review-rounds.port';
import { WINDOW_UNIT_CONTACTS } from '../application/ports/window-unit-contacts.port';
import { SqlWindowUnitContacts } from '../infrastructure/field-work/sql-window-unit-contacts';
import { WINDOW_UNIT_RECORDS } from '../application/ports/window-unit-records.port';
import { PgWindowUnitRecords } from '../infrastructure/field-work/pg-window-unit-records';
import { ZONED_UNITS } from '../application/ports/zoned-units.port';
import { STREAMS } from '../application/ports/streams.port';
import { SqlZonedUnits } from '../infrastructure/field-work/sql-zoned-units';
import type { EvaluationFeatureFactory } from './feature';

/** The projection's subscription; the same name as its rebuild definition in projections.ts (ADR 0035). */
export const FIELD_WORK_PROJECTION = 'evaluation.field-work-view';
const RUNNER = Symbol('FIELD_WORK_PROJECTION_RUNNER');

/**
 * 片区、月度观摩点评 and 窗口单位 (issue 13, ADR 0047). Needs INSPECTION_CANDIDATES (a zone's units
 * "below an organisation") from the inspections feature; findings are comment streams, read by COMMENTS.
 */
export const monthlyReviewsFeature: EvaluationFeatureFactory = () => ({
  controllers: [MonthlyReviewsHttpController, WindowUnitsHttpController, WindowUnitsPublicHttpController],
  providers: [
    MonthlyReviewHandlers,
    WindowUnitHandlers,
    // The handlers' own streams: a designation's append goes through them, on the lock's session.
    {
      provide: ZONED_UNITS,
      inject: [PG_POOL, STREAMS],
      useFactory: (pool: Pool, streams: DeciderStreams) => new SqlZonedUnits(pool, streams),
    },
    { provide: WINDOW_UNIT_CONTACTS, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlWindowUnitContacts(pool) },
    // The county feature's window-services handler reads and notes counted record ids through it too (ADR 0122).
    {
      provide: WINDOW_UNIT_RECORDS,
      inject: [PG_POOL, PostgresEventStore],
      useFactory: (pool: Pool, store: PostgresEventStore) => new PgWindowUnitRecords(pool, store),
    },
    { provide: SqlMonthlyReviewResults, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlMonthlyReviewResults(pool) },
    // The assessments feature records the rounds that ranked a unit (ADR 0050).
    { provide: MONTHLY_REVIEW_ROUNDS, useExisting: SqlMonthlyReviewResults },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new FieldWorkViewProjection(pool), FIELD_WORK_PROJECTION),
    },
  ],
});
