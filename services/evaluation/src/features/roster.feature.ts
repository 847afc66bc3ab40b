import type { Pool } from 'pg';
import { ROSTER } from '../application/ports/roster.port';
import { VANGUARD_POSTS } from '../application/ports/vanguard-posts.port';
import { PG_POOL } from '../infrastructure/database.module';
import { PgRoster } from '../infrastructure/roster/pg-roster';
import { RosterRunner } from '../infrastructure/roster/roster.runner';
import { SqlVanguardPosts } from '../infrastructure/roster/sql-vanguard-posts';
import type { EvaluationFeatureFactory } from './feature';

/**
 * The roster (issue 10): evaluation's projection of the organization service's compacted state
 * topics, and the ROSTER port over it. It follows the topics whenever the org-tree copy does
 * (`orgTreeConsumer`; test apps turn both off), unless `EVALUATION_ROSTER=off`.
 */
export const rosterFeature: EvaluationFeatureFactory = (config) => ({
  providers: [
    { provide: ROSTER, inject: [PG_POOL], useFactory: (pool: Pool) => new PgRoster(pool) },
    { provide: VANGUARD_POSTS, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlVanguardPosts(pool) },
    {
      provide: RosterRunner,
      inject: [PG_POOL],
      useFactory: (pool: Pool) =>
        new RosterRunner(pool, {
          enabled: (config.orgTreeConsumer ?? true) && process.env['EVALUATION_ROSTER'] !== 'off',
          brokers: config.kafkaBrokers,
          // v2 since the roster keeps posts (ADR 0052): a new group re-reads the compacted topics from the beginning.
          groupId: 'evaluation.roster.v2',
        }),
    },
  ],
});
