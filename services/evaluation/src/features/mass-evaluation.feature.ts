import type { Pool } from 'pg';
import { BALLOT_BOX } from '../application/commands/mass-evaluation/ballot-box.port';
import { CastBallotHandler } from '../application/commands/mass-evaluation/cast-ballot.handler';
import { CloseMassEvaluationHandler } from '../application/commands/mass-evaluation/close-mass-evaluation.handler';
import { IssueBallotCodesHandler } from '../application/commands/mass-evaluation/issue-ballot-codes.handler';
import { MassEvaluationQueries } from '../application/commands/mass-evaluation/mass-evaluation.queries';
import { OpenMassEvaluationHandler } from '../application/commands/mass-evaluation/open-mass-evaluation.handler';
import { PublishMassEvaluationHandler } from '../application/commands/mass-evaluation/publish-mass-evaluation.handler';
import { PG_POOL } from '../infrastructure/database.module';
import { BALLOT_OPTIONS, ballotOptionsFromEnv, type BallotOptions } from '../infrastructure/mass-evaluation/ballot-options';
import { BallotRateLimiter } from '../infrastructure/mass-evaluation/ballot-rate-limiter';
import { SqlBallotBox } from '../infrastructure/mass-evaluation/sql-ballot-box';
import { BallotsHttpController } from '../interface/http/mass-evaluation/ballots.http.controller';
import { MassEvaluationsHttpController } from '../interface/http/mass-evaluation/mass-evaluations.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** 群众评议 / 满意度测评 (issue 10): windows in the event store, ballots in an anonymous box beside it. */
export const massEvaluationFeature: EvaluationFeatureFactory = () => {
  const options = ballotOptionsFromEnv();
  return {
    controllers: [MassEvaluationsHttpController, BallotsHttpController],
    providers: [
      { provide: BALLOT_OPTIONS, useValue: options },
      {
        provide: BALLOT_BOX,
        inject: [PG_POOL, BALLOT_OPTIONS],
        useFactory: (pool: Pool, o: BallotOptions) => new SqlBallotBox(pool, o.codeKey),
      },
      { provide: BallotRateLimiter, useValue: new BallotRateLimiter(options.limits) },
      OpenMassEvaluationHandler,
      IssueBallotCodesHandler,
      CastBallotHandler,
      CloseMassEvaluationHandler,
      PublishMassEvaluationHandler,
      MassEvaluationQueries,
    ],
  };
};
