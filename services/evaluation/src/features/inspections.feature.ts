import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { LaunchInspectionHandler } from '../application/commands/inspections/launch-inspection.handler';
import { RecordInspectionFindingsHandler } from '../application/commands/inspections/record-inspection-findings.handler';
import { INSPECTION_CANDIDATES } from '../application/ports/inspection-candidates.port';
import { InspectionQueries } from '../application/queries/inspections/inspection-queries';
import { INSPECTION_READ_MODEL } from '../application/queries/inspections/inspection-read-model.port';
import { PG_POOL } from '../infrastructure/database.module';
import { InspectionViewProjection } from '../infrastructure/inspections/inspection-view.projection';
import { SqlInspectionCandidates } from '../infrastructure/inspections/sql-inspection-candidates';
import { SqlInspectionReadModel } from '../infrastructure/inspections/sql-inspection.read-model';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { InspectionsHttpController } from '../interface/http/inspections/inspections.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** The list projection's subscription; the same name as its rebuild definition in projections.ts (ADR 0035). */
export const INSPECTION_PROJECTION = 'evaluation.inspection-view';
const RUNNER = Symbol('INSPECTION_PROJECTION_RUNNER');

/**
 * 督导检查 (issue 13, ADR 0038): one inspection is read from its own stream (one launch event each),
 * lists from `inspection_view`; their findings are comment streams, so the comment feature's projection
 * and reads carry them. Needs COMMENTS.
 */
export const inspectionsFeature: EvaluationFeatureFactory = () => ({
  controllers: [InspectionsHttpController],
  providers: [
    LaunchInspectionHandler,
    RecordInspectionFindingsHandler,
    { provide: INSPECTION_CANDIDATES, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlInspectionCandidates(pool) },
    InspectionQueries,
    { provide: INSPECTION_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlInspectionReadModel(pool) },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new InspectionViewProjection(pool), INSPECTION_PROJECTION),
    },
  ],
});
