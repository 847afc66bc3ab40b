import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { AssessOrganizationHandler } from '../application/commands/assess-organization/assess-organization.handler';
import { ASSESSMENT_READ_MODEL } from '../application/ports/assessment-read-model.port';
import { ASSESSMENT_REPLAYER, AssessmentQueries } from '../application/queries/assessment-queries';
import { AssessmentViewProjection } from '../infrastructure/assessments/assessment-view.projection';
import { SqlAssessmentReadModel } from '../infrastructure/assessments/sql-assessment.read-model';
import { StoreAssessmentReplayer } from '../infrastructure/assessments/store-assessment.replayer';
import { PG_POOL } from '../infrastructure/database.module';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { AssessmentsHttpController } from '../interface/http/assessments.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** Subscription name of the assessment projection: one instance per name delivers. */
export const ASSESSMENT_PROJECTION = 'evaluation.assessment-view';

/** 五个好 assessment (issue 10): tiers and star ratings by the versioned rule, tier changes, replays. */
export const assessmentsFeature: EvaluationFeatureFactory = () => ({
  controllers: [AssessmentsHttpController],
  providers: [
    AssessOrganizationHandler,
    AssessmentQueries,
    { provide: ASSESSMENT_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlAssessmentReadModel(pool) },
    {
      provide: ASSESSMENT_REPLAYER,
      inject: [PostgresEventStore],
      useFactory: (store: PostgresEventStore) => new StoreAssessmentReplayer(store),
    },
    {
      provide: 'ASSESSMENT_PROJECTION_RUNNER',
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new AssessmentViewProjection(pool), ASSESSMENT_PROJECTION),
    },
  ],
});
