import type { MigrationInterface, QueryRunner } from 'typeorm';
import { orgTreeFactVersionsMigration, orgTreeHistoryMigration, orgTreeMigration } from '@vanguard/auth';
import { idempotencyKeysMigration } from '@vanguard/http';
import { migrateInbox } from '@vanguard/messaging';
import { PledgeView1764600000002 } from './1764600000002-pledge-view.migration';
import { rosterMigrations } from './roster.migrations';
import { relayMigrations } from './relay.migrations';
import { commentsMigrations } from './comments.migrations';
import { massEvaluationMigrations } from './mass-evaluation.migrations';
import { reviewsMigrations } from './reviews.migrations';
import { assessmentsMigrations } from './assessments.migrations';
import { benchmarksPioneersMigrations } from './benchmarks-pioneers.migrations';
import { projectionHubMigrations } from './projection-hub.migrations';
import { inspectionsMigrations } from './inspections.migrations';
import { countyMigrations } from './county.migrations';
import { WindowUnitContactVersion1765620000000, WindowUnitRecord1765630000000 } from './monthly-review.migrations';
import { BallotCodesNotKept1766900000143 } from './1766900000143-ballot-codes-not-kept.migration';

/** The inbox of the org-tree consumer: each organisation event is applied once. */
class OrgTreeInbox1764600000001 implements MigrationInterface {
  readonly name = 'OrgTreeInbox1764600000001';
  async up(q: QueryRunner): Promise<void> {
    await migrateInbox(q);
  }
  async down(): Promise<void> {
    // The inbox only grows; dropping it would apply old organisation events again.
  }
}

/**
 * The evaluation schema's read side, oldest first. The event store's own tables come from
 * `@vanguard/event-store`'s `migrate` (scripts/migrate.ts runs both). Each slice keeps its own
 * list in `<slice>.migrations.ts`, in its own range of timestamps, so the order holds.
 */
export const evaluationMigrations: (new () => MigrationInterface)[] = [
  orgTreeMigration(1764600000000),
  OrgTreeInbox1764600000001,
  PledgeView1764600000002,
  orgTreeFactVersionsMigration(1764600000003),
  ...rosterMigrations,
  ...relayMigrations,
  ...commentsMigrations,
  ...massEvaluationMigrations,
  ...reviewsMigrations,
  ...assessmentsMigrations,
  ...benchmarksPioneersMigrations,
  ...projectionHubMigrations,
  ...inspectionsMigrations,
  ...countyMigrations,
  // Idempotency-Key answers per caller (libs/http, ADR 0072).
  idempotencyKeysMigration(1765600000000),
  // The tree copy's history, written with the copy, for a tree as of an instant (ADR 0081).
  orgTreeHistoryMigration(1765610000000),
  WindowUnitContactVersion1765620000000,
  WindowUnitRecord1765630000000,
  BallotCodesNotKept1766900000143,
];
