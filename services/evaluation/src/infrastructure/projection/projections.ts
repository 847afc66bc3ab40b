import type { RecordedEvent } from '@vanguard/event-store';
import { BenchmarkPioneerProjection } from './benchmarks-pioneers/benchmark-pioneer.projection';
import { CommentProjection } from './comments/comment.projection';
import { PledgeViewProjection } from './pledge-view.projection';
import { ReviewViewProjection } from '../reviews/review-view.projection';
import { AssessmentViewProjection } from '../assessments/assessment-view.projection';
import { MassRatingViewProjection } from '../mass-evaluation/mass-rating-view.projection';
import { MassTallyViewProjection } from '../mass-evaluation/mass-tally-view.projection';
import { TrainingViewProjection } from '../training/training-view.projection';
import { FieldWorkViewProjection } from '../field-work/field-work-view.projection';
import { InspectionViewProjection } from '../inspections/inspection-view.projection';

/** A pool, a client, or a client inside the rebuild's transaction. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * A read model fed by the store. `apply` takes one event (the live subscription); it must be
 * idempotent under redelivery and key on the stream version, because a rebuild's swap replays
 * events the live table already had (ADR 0024). `applyBatch`, if present, takes a page in
 * global order; the rebuild uses it (a few statements per page instead of per event).
 */
export interface EvaluationProjection {
  apply(event: RecordedEvent): Promise<void>;
  applyBatch?(events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * One entry of the registry. `tables` are the tables the projection alone writes (the rebuild
 * builds each as `<table>__rebuild` and swaps it in); `create` binds the projection to a
 * connection and to the table names it must write, `table('pledge_view')` → the live or shadow name.
 */
export interface ProjectionDefinition {
  /** Its subscription name, e.g. `evaluation.pledge-view`; also what `npm run rebuild -- evaluation <name>` picks. */
  readonly name: string;
  readonly tables: readonly string[];
  readonly create: (db: Queryable, table: (name: string) => string) => EvaluationProjection;
}

/**
 * Every projection of the evaluation service that `npm run rebuild -- evaluation` rebuilds.
 * A slice adds its own entry at the end (one line each, so parallel slices merge cleanly).
 */
export const evaluationProjections: ProjectionDefinition[] = [
  { name: 'evaluation.pledge-view', tables: ['pledge_view'], create: (db, table) => new PledgeViewProjection(db, table('pledge_view')) },
  {
    name: 'evaluation.comment-view',
    tables: ['comment_view', 'rectification_view'],
    create: (db, table) => new CommentProjection(db, table),
  },
  {
    name: 'evaluation.benchmark-pioneer-view',
    tables: ['benchmark_view', 'pioneer_stream_version', 'pioneer_view'],
    create: (db, table) => new BenchmarkPioneerProjection(db, table),
  },
  { name: 'evaluation.review-view', tables: ['review_view'], create: (db, table) => new ReviewViewProjection(db, table('review_view')) },
  {
    name: 'evaluation.assessment-view',
    tables: ['assessment_view', 'tier_change_view'],
    create: (db, table) => new AssessmentViewProjection(db, table),
  },
  {
    name: 'evaluation.mass-rating-view',
    tables: ['mass_rating_view'],
    create: (db, t) => new MassRatingViewProjection(db, t('mass_rating_view')),
  },
  {
    name: 'evaluation.training-view',
    tables: ['training_class_view', 'training_trainee_view'],
    create: (db, t) => new TrainingViewProjection(db, t),
  },
  {
    name: 'evaluation.field-work-view',
    tables: ['monthly_review_result_view', 'window_unit_view'],
    create: (db, t) => new FieldWorkViewProjection(db, t),
  },
  {
    name: 'evaluation.mass-tally-view',
    tables: ['mass_tally_view'],
    create: (db, t) => new MassTallyViewProjection(db, t('mass_tally_view')),
  },
  {
    name: 'evaluation.inspection-view',
    tables: ['inspection_view'],
    create: (db, t) => new InspectionViewProjection(db, t('inspection_view')),
  },
];
