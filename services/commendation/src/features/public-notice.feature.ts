import { HttpAdapterHost } from '@nestjs/core';
import type { Pool } from 'pg';
import { answeredAheadReceipts } from '@vanguard/observability';
import { PostgresEventStore } from '@vanguard/event-store';
import { FileObjectionHandler } from '../application/commands/objections/file-objection.handler';
import { AssignObjectionHandler, ConcludeObjectionHandler } from '../application/commands/objections/investigate-objection.handlers';
import { OBJECTOR_CONTACTS } from '../application/commands/objections/objector-contacts.port';
import { TRACKING_CODES } from '../application/ports/tracking-codes.port';
import { PUBLIC_NOTICE_READ_MODEL } from '../application/public-notice/public-notice-read-model.port';
import { PublicNoticeQueries } from '../application/public-notice/public-notice.queries';
import { OBJECTION_QUERIES } from '../application/queries/objection-queries.port';
import { PG_POOL } from '../infrastructure/database.module';
import { PUBLIC_NOTICE_PROJECTION } from '../infrastructure/projection/projections';
import { StoreProjectionRunner } from '../infrastructure/projection/store-projection.runner';
import { PublicNoticeProjection } from '../infrastructure/public-notice/public-notice.projection';
import { PublicRateLimiter } from '../infrastructure/public-notice/public-rate-limiter';
import { SqlObjectionQueries } from '../infrastructure/public-notice/sql-objection.queries';
import { SqlObjectorContacts } from '../infrastructure/public-notice/sql-objector-contacts';
import { SqlPublicNoticeReadModel } from '../infrastructure/public-notice/sql-public-notice.read-model';
import { RandomTrackingCodes } from '../infrastructure/system/random-tracking-codes';
import { ObjectionsHttpController } from '../interface/http/public-notice/objections.http.controller';
import { PublicNoticeHttpController } from '../interface/http/public-notice/public-notice.http.controller';
import { PublicNoticeFastPath } from '../interface/http/public-notice/public-notice.fast-path';
import { ObjectionRateGuard } from '../interface/http/public-notice/public-rate.guard';
import type { CommendationFeatureFactory } from './feature';

const RUNNER = Symbol('PUBLIC_NOTICE_PROJECTION_RUNNER');

/** 公示 and 异议: the public notice and objection filing (no token, rate-limited), and the inspectors' side. */
export const publicNoticeFeature: CommendationFeatureFactory = (config) => ({
  controllers: [PublicNoticeHttpController, ObjectionsHttpController],
  providers: [
    { provide: PublicRateLimiter, useValue: new PublicRateLimiter(config.publicLimits) },
    ObjectionRateGuard,
    { provide: TRACKING_CODES, useValue: new RandomTrackingCodes() },
    { provide: OBJECTOR_CONTACTS, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlObjectorContacts(pool) },
    { provide: PUBLIC_NOTICE_READ_MODEL, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlPublicNoticeReadModel(pool) },
    { provide: OBJECTION_QUERIES, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlObjectionQueries(pool) },
    PublicNoticeQueries,
    // A notice read in the last second is answered ahead of Express (public-notice.fast-path.ts, ADR 0066).
    {
      provide: PublicNoticeFastPath,
      inject: [PublicNoticeQueries, PublicRateLimiter, HttpAdapterHost],
      useFactory: (queries: PublicNoticeQueries, limiter: PublicRateLimiter, host: HttpAdapterHost) =>
        new PublicNoticeFastPath(queries, limiter, answeredAheadReceipts(), host),
    },
    FileObjectionHandler,
    AssignObjectionHandler,
    ConcludeObjectionHandler,
    {
      provide: RUNNER,
      inject: [PostgresEventStore, PG_POOL],
      useFactory: (store: PostgresEventStore, pool: Pool) =>
        new StoreProjectionRunner(store, new PublicNoticeProjection(pool), PUBLIC_NOTICE_PROJECTION),
    },
  ],
});
