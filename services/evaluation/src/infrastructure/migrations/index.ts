import type { MigrationInterface, QueryRunner } from 'typeorm';
import { orgTreeFactVersionsMigration, orgTreeMigration } from '@vanguard/auth';
import { migrateInbox } from '@vanguard/messaging';
import { PledgeView1764600000002 } from './1764600000002-pledge-view.migration';

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
 * `@vanguard/event-store`'s `migrate` (scripts/migrate.ts runs both).
 */
export const evaluationMigrations: (new () => MigrationInterface)[] = [
  orgTreeMigration(1764600000000),
  OrgTreeInbox1764600000001,
  PledgeView1764600000002,
  orgTreeFactVersionsMigration(1764600000003),
];
