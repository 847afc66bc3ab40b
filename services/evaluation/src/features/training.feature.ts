import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { TrainingClassHandler } from '../application/commands/training/training-class.handler';
import { PG_POOL } from '../infrastructure/database.module';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { SqlTrainingCounts } from '../infrastructure/training/sql-training-counts';
import { TrainingViewProjection } from '../infrastructure/training/training-view.projection';
import { TrainingHttpController } from '../interface/http/training/training.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** The projection's subscription; the same name as its rebuild definition in projections.ts (ADR 0035). */
export const TRAINING_PROJECTION = 'evaluation.training-view';
const RUNNER = Symbol('TRAINING_PROJECTION_RUNNER');

/** 教育培训 (issue 13): classes, trainees from the roster, attendance; its projection feeds counts and the evidence pack. Needs ROSTER. */
export const trainingFeature: EvaluationFeatureFactory = () => ({
  controllers: [TrainingHttpController],
  providers: [
    TrainingClassHandler,
    { provide: SqlTrainingCounts, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlTrainingCounts(pool) },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new TrainingViewProjection(pool), TRAINING_PROJECTION),
    },
  ],
});
