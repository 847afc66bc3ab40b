import { idempotencyKeysMigration } from '@vanguard/http';
import type { MigrationInterface } from 'typeorm';
import { orgTreeFactVersionsMigration, orgTreeHistoryMigration, orgTreeMigration } from '@vanguard/auth';
import { inboxMigration, outboxMigration } from '@vanguard/messaging';
import { Publicity1765500000005 } from './1765500000005-publicity.migration';
import { ArticleCampaigns1765600000001 } from './1765600000001-article-campaigns.migration';
import { AttachmentRemovals1766700000128 } from './1766700000128-attachment-removals.migration';

/** Every migration of the publicity schema, oldest first. */
export const publicityMigrations: (new () => MigrationInterface)[] = [
  orgTreeMigration(1765500000001),
  orgTreeFactVersionsMigration(1765500000002),
  inboxMigration(1765500000003),
  outboxMigration(1765500000004),
  Publicity1765500000005,
  // Idempotency-Key answers per caller (libs/http, ADR 0072).
  idempotencyKeysMigration(1765600000000),
  ArticleCampaigns1765600000001,
  // The tree copy's history, written with the copy, for a tree as of an instant (ADR 0081).
  orgTreeHistoryMigration(1765610000000),
  // Who removed an attachment, and what it was (ADR 0128).
  AttachmentRemovals1766700000128,
];
