import type { Pool } from 'pg';
import { LaunchInspectionHandler } from '../application/commands/inspections/launch-inspection.handler';
import { RecordInspectionFindingsHandler } from '../application/commands/inspections/record-inspection-findings.handler';
import { INSPECTION_CANDIDATES } from '../application/ports/inspection-candidates.port';
import { PG_POOL } from '../infrastructure/database.module';
import { SqlInspectionCandidates } from '../infrastructure/inspections/sql-inspection-candidates';
import { InspectionsHttpController } from '../interface/http/inspections/inspections.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/**
 * 督导检查 (issue 13, ADR 0038): inspections read from their own streams (one launch event each); their
 * findings are comment streams, so the comment feature's projection and reads carry them. Needs COMMENTS.
 */
export const inspectionsFeature: EvaluationFeatureFactory = () => ({
  controllers: [InspectionsHttpController],
  providers: [
    LaunchInspectionHandler,
    RecordInspectionFindingsHandler,
    { provide: INSPECTION_CANDIDATES, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlInspectionCandidates(pool) },
  ],
});
