import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { BALLOT_BOX } from '../application/commands/mass-evaluation/ballot-box.port';
import { CastBallotHandler } from '../application/commands/mass-evaluation/cast-ballot.handler';
import { CloseMassEvaluationHandler } from '../application/commands/mass-evaluation/close-mass-evaluation.handler';
import { IssueBallotCodesHandler } from '../application/commands/mass-evaluation/issue-ballot-codes.handler';
import { MassEvaluationQueries } from '../application/commands/mass-evaluation/mass-evaluation.queries';
import { OpenMassEvaluationHandler } from '../application/commands/mass-evaluation/open-mass-evaluation.handler';
import { PublishMassEvaluationHandler } from '../application/commands/mass-evaluation/publish-mass-evaluation.handler';
import { RecordMassEvaluationFindingsHandler } from '../application/commands/mass-evaluation/record-mass-evaluation-findings.handler';
import { PG_POOL } from '../infrastructure/database.module';
import { BALLOT_OPTIONS, ballotOptionsFromEnv, type BallotOptions } from '../infrastructure/mass-evaluation/ballot-options';
import { BallotRateLimiter } from '../infrastructure/mass-evaluation/ballot-rate-limiter';
import { MassRatingViewProjection } from '../infrastructure/mass-evaluation/mass-rating-view.projection';
import { MassTallyViewProjection } from '../infrastructure/mass-evaluation/mass-tally-view.projection';
import { SqlBallotBox } from '../infrastructure/mass-evaluation/sql-ballot-box';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { BallotsHttpController } from '../interface/http/mass-evaluation/ballots.http.controller';
import { MassEvaluationFindingsHttpController } from '../interface/http/mass-evaluation/mass-evaluation-findings.http.controller';
import { MassEvaluationsHttpController } from '../interface/http/mass-evaluation/mass-evaluations.http.controller';
import { VotePageHttpController } from '../interface/http/mass-evaluation/vote-page.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** Subscription name of the windows' results projection (mass ratings for the review's evidence pack). */
export const MASS_RATING_PROJECTION = 'evaluation.mass-rating-view';
/** Subscription name of the counties' paper counts (mass-tally streams), the sibling read beside it. */
export const MASS_TALLY_PROJECTION = 'evaluation.mass-tally-view';

/** 群众评议 / 满意度测评 (issue 10): windows in the event store, ballots in an anonymous box beside it. */
export const massEvaluationFeature: EvaluationFeatureFactory = () => {
  const options = ballotOptionsFromEnv();
  return {
    controllers: [MassEvaluationsHttpController, BallotsHttpController, MassEvaluationFindingsHttpController, VotePageHttpController],
    providers: [
      { provide: BALLOT_OPTIONS, useValue: options },
      {
        provide: BALLOT_BOX,
        inject: [PG_POOL, BALLOT_OPTIONS, PostgresEventStore],
        useFactory: (pool: Pool, o: BallotOptions, store: PostgresEventStore) => new SqlBallotBox(pool, o.codeKey, store),
      },
      { provide: BallotRateLimiter, useValue: new BallotRateLimiter(options.limits) },
      OpenMassEvaluationHandler,
      IssueBallotCodesHandler,
      CastBallotHandler,
      CloseMassEvaluationHandler,
      PublishMassEvaluationHandler,
      RecordMassEvaluationFindingsHandler,
      MassEvaluationQueries,
      {
        provide: 'MASS_RATING_PROJECTION_RUNNER',
        inject: [PostgresEventStore, PG_POOL],
        useFactory: (store: PostgresEventStore, pool: Pool) =>
          new StoreProjectionRunner(store, new MassRatingViewProjection(pool), MASS_RATING_PROJECTION),
      },
      {
        provide: 'MASS_TALLY_PROJECTION_RUNNER',
        inject: [PostgresEventStore, PG_POOL],
        useFactory: (store: PostgresEventStore, pool: Pool) =>
          new StoreProjectionRunner(store, new MassTallyViewProjection(pool), MASS_TALLY_PROJECTION),
      },
    ],
  };
};
