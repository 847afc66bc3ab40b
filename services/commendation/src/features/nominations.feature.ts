import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { AmendNominationHandler } from '../application/commands/nominations/amend-nomination.handler';
import { DecideCommendationHandler, RevokeCommendationHandler } from '../application/commands/nominations/decide-commendation.handler';
import { NominationFacts } from '../application/commands/nominations/nomination-facts';
import { UnitPlaces } from '../application/commands/nominations/unit-places';
import { NoteOverdueReviewsHandler } from '../application/commands/nominations/note-overdue-reviews.handler';
import { PublishNoticeHandler } from '../application/commands/nominations/publish-notice.handler';
import {
  EndorseNominationHandler,
  RejectNominationHandler,
  ReturnNominationHandler,
} from '../application/commands/nominations/review-nomination.handlers';
import { SubmitNominationHandler } from '../application/commands/nominations/submit-nomination.handler';
import { AllocateQuotaHandler } from '../application/commands/programmes/allocate-quota.handler';
import { LaunchAwardProgrammeHandler } from '../application/commands/programmes/launch-award-programme.handler';
import { NOMINATION_READ_MODEL } from '../application/nominations/nomination-read-model.port';
import { BOARD_QUERIES } from '../application/queries/board-queries.port';
import { PG_POOL } from '../infrastructure/database.module';
import { BoardProjection } from '../infrastructure/projection/board.projection';
import { SqlBoardQueries } from '../infrastructure/projection/sql-board.queries';
import { SqlNominationReadModel } from '../infrastructure/projection/sql-nomination.read-model';
import { PROJECTIONS_SUBSCRIPTION, StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { NominationsHttpController } from '../interface/http/nominations/nominations.http.controller';
import { ProgrammesHttpController } from '../interface/http/nominations/programmes.http.controller';
import type { CommendationFeatureFactory } from './feature';

/** The board read model's name (its rebuild definition's too). */
export const BOARD_PROJECTION = 'commendation.board';
const RUNNER = Symbol('BOARD_PROJECTION_RUNNER');

/** 表彰项目 → 推荐 → 逐级审核 → 公示 → 表彰决定 → 撤销, and the board the dashboards read. */
export const nominationsFeature: CommendationFeatureFactory = () => ({
  controllers: [ProgrammesHttpController, NominationsHttpController],
  providers: [
    NominationFacts,
    UnitPlaces,
    LaunchAwardProgrammeHandler,
    AllocateQuotaHandler,
    SubmitNominationHandler,
    EndorseNominationHandler,
    ReturnNominationHandler,
    RejectNominationHandler,
    AmendNominationHandler,
    PublishNoticeHandler,
    DecideCommendationHandler,
    RevokeCommendationHandler,
    NoteOverdueReviewsHandler,
    {
      provide: NOMINATION_READ_MODEL,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new SqlNominationReadModel(pool, PROJECTIONS_SUBSCRIPTION),
    },
    { provide: BOARD_QUERIES, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlBoardQueries(pool) },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) => new StoreProjectionRunner(store, new BoardProjection(pool), BOARD_PROJECTION),
    },
  ],
});
