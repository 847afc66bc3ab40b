import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { CompleteRectificationHandler } from '../application/commands/complete-rectification/complete-rectification.handler';
import { MakeLeaderCommentHandler } from '../application/commands/make-leader-comment/make-leader-comment.handler';
import { MarkOverdueRectificationsHandler } from '../application/commands/mark-overdue-rectifications/mark-overdue-rectifications.handler';
import { CYCLE_DIRECTORY } from '../application/ports/cycle-directory.port';
import { COMMENT_READ_MODEL } from '../application/queries/comments/comment-read-model.port';
import { CommentQueries } from '../application/queries/comments/comment.queries';
import { PG_POOL } from '../infrastructure/database.module';
import { SqlCycleDirectory } from '../infrastructure/event-store/sql-cycle-directory';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { CommentProjection } from '../infrastructure/projection/comments/comment.projection';
import { SqlCommentReadModel } from '../infrastructure/projection/comments/sql-comment.read-model';
import { CommentsHttpController } from '../interface/http/comments/comments.http.controller';
import { RectificationsHttpController } from '../interface/http/comments/rectifications.http.controller';
import type { EvaluationFeatureFactory } from './feature';

/** The projection's subscription; one instance per name delivers. */
export const COMMENT_PROJECTION = 'evaluation.comment-view';
const RUNNER = Symbol('COMMENT_PROJECTION_RUNNER');

/** 领导点评 (issue 10): comments with findings and rectifications, their projection and its reads. Needs ROSTER. */
export const commentsFeature: EvaluationFeatureFactory = () => ({
  controllers: [CommentsHttpController, RectificationsHttpController],
  providers: [
    MakeLeaderCommentHandler,
    CompleteRectificationHandler,
    MarkOverdueRectificationsHandler,
    CommentQueries,
    { provide: CYCLE_DIRECTORY, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlCycleDirectory(pool) },
    { provide: COMMENT_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlCommentReadModel(pool) },
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new CommentProjection(pool), COMMENT_PROJECTION),
    },
  ],
});
