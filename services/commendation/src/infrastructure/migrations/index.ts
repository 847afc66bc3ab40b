import { idempotencyKeysMigration } from '@vanguard/http';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { orgTreeFactVersionsMigration, orgTreeHistoryMigration, orgTreeMigration } from '@vanguard/auth';
import { migrateInbox } from '@vanguard/messaging';
import { boardMigrations } from './board.migrations';
import { calendarMigrations } from './calendar.migrations';
import { eligibilityMigrations } from './eligibility.migrations';
import { publicNoticeMigrations } from './public-notice.migrations';
import { relayMigrations } from './relay.migrations';

/** The inbox shared by the org-tree and eligibility consumers: each event is applied once per consumer. */
class Inbox1765000000001 implements MigrationInterface {
  readonly name = 'Inbox1765000000001';
  async up(q: QueryRunner): Promise<void> {
    await migrateInbox(q);
  }
  async down(): Promise<void> {
    // The inbox only grows; dropping it would apply old events again.
  }
}

/**
 * The commendation schema's read side, oldest first. The event store's own tables come from
 * `@vanguard/event-store`'s `migrate` (scripts/migrate.ts runs both). Each slice keeps its own
 * list in `<slice>.migrations.ts`, in its own range of timestamps, so the order holds.
 */
export const commendationMigrations: (new () => MigrationInterface)[] = [
  orgTreeMigration(1765000000000),
  Inbox1765000000001,
  orgTreeFactVersionsMigration(1765000000002),
  ...relayMigrations,
  ...eligibilityMigrations,
  ...calendarMigrations,
  ...publicNoticeMigrations,
  ...boardMigrations,
  // Idempotency-Key answers per caller (libs/http, ADR 0072).
  idempotencyKeysMigration(1765600000000),
  // The tree copy's history, written with the copy, for a tree as of an instant (ADR 0081).
  orgTreeHistoryMigration(1765610000000),
];
