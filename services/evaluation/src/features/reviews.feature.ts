import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { ApproveReviewHandler } from '../application/commands/approve-review/approve-review.handler';
import { ConcludeReviewHandler } from '../application/commands/conclude-review/conclude-review.handler';
import { ReturnReviewHandler } from '../application/commands/return-review/return-review.handler';
import { SubmitSelfAssessmentHandler } from '../application/commands/submit-self-assessment/submit-self-assessment.handler';
import { TallyPeerBallotsHandler } from '../application/commands/tally-peer-ballots/tally-peer-ballots.handler';
import { CLOCK, type ClockPort } from '../application/ports/clock.port';
import { TrainingEvidenceSource } from '../infrastructure/training/training-evidence.source';
import { EVIDENCE_SOURCES, type EvidenceSource } from '../application/ports/evidence-source.port';
import { ROSTER, type RosterPort } from '../application/ports/roster.port';
import { REVIEW_READ_MODEL } from '../application/ports/review-read-model.port';
import { ReviewQueries } from '../application/queries/review-queries';
import { EvidencePack } from '../application/reviews/evidence-pack';
import { PG_POOL } from '../infrastructure/database.module';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { MassRatingEvidenceSource } from '../infrastructure/reviews/mass-rating-evidence.source';
import { PledgeEvidenceSource } from '../infrastructure/reviews/pledge-evidence.source';
import { RectificationEvidenceSource } from '../infrastructure/reviews/rectification-evidence.source';
import { ReviewViewProjection } from '../infrastructure/reviews/review-view.projection';
import { SqlReviewReadModel } from '../infrastructure/reviews/sql-review.read-model';
import { ReviewsHttpController } from '../interface/http/reviews.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** Subscription name of the review projection: one instance per name delivers. */
export const REVIEW_PROJECTION = 'evaluation.review-view';

/**
 * Where the evidence pack looks, one source per kind of fact. Assistance deeds and visits, and
 * training, each add one here when their projections exist.
 */
const evidenceSources = (pool: Pool, clock: ClockPort, roster: RosterPort): EvidenceSource[] => [
  new PledgeEvidenceSource(pool),
  new RectificationEvidenceSource(pool, clock, roster),
  new MassRatingEvidenceSource(pool),
  new TrainingEvidenceSource(pool),
];

/** 民主评议党员 (issue 10): self-assessment, peer ballots, the branch's conclusion, approval above. */
export const reviewsFeature: EvaluationFeatureFactory = () => ({
  controllers: [ReviewsHttpController],
  providers: [
    SubmitSelfAssessmentHandler,
    TallyPeerBallotsHandler,
    ConcludeReviewHandler,
    ApproveReviewHandler,
    ReturnReviewHandler,
    ReviewQueries,
    EvidencePack,
    { provide: EVIDENCE_SOURCES, inject: [PG_POOL, CLOCK, ROSTER], useFactory: evidenceSources },
    { provide: REVIEW_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlReviewReadModel(pool) },
    {
      provide: 'REVIEW_PROJECTION_RUNNER',
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new ReviewViewProjection(pool), REVIEW_PROJECTION),
    },
  ],
});
