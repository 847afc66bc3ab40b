import { idempotencyKeysMigration } from '@vanguard/http';
import type { MigrationInterface } from 'typeorm';
import { countyInboundMigration, countyInboundRetentionMigration } from '@vanguard/county-inbound';
import { outboxMigration } from '@vanguard/messaging';
import { OrganizationTree1732240000000 } from './1732240000000-organization-tree.migration';
import { ImportJobs1732240000002 } from './1732240000002-import-jobs.migration';
import { DataKeys1764400000000 } from './1764400000000-data-keys.migration';
import { IdNumberChecks1764500000000 } from './1764500000000-id-number-checks.migration';
import { IdNumberCheckSource1764600000000 } from './1764600000000-id-number-check-source.migration';
import { RosterStateChanges1764710000000 } from './1764710000000-roster-state-changes.migration';
import { IdNumberCheckReservations1764800000000 } from './1764800000000-id-number-check-reservations.migration';
import { CountyMemberLinks1764900000000 } from './1764900000000-county-member-links.migration';
import { CountyLinkTakeover1764990000001 } from './1764990000001-county-link-takeover.migration';
import { IdNumberCheckUsage1766200000000 } from './1766200000000-id-number-check-usage.migration';
import { TransfersEnd1766400000120 } from './1766400000120-transfers-end.migration';
import { IdNumberHoldBudget1766600000126 } from './1766600000126-id-number-hold-budget.migration';
import { RosterDeleted1766800000130 } from './1766800000130-roster-deleted.migration';
import { MembersProbationaryIndex1766900000154 } from './1766900000154-members-probationary-index.migration';

/** Every migration of the organization schema, oldest first. */
export const organizationMigrations: (new () => MigrationInterface)[] = [
  OrganizationTree1732240000000,
  outboxMigration(1732240000001),
  ImportJobs1732240000002,
  DataKeys1764400000000,
  IdNumberChecks1764500000000,
  IdNumberCheckSource1764600000000,
  RosterStateChanges1764710000000,
  IdNumberCheckReservations1764800000000,
  CountyMemberLinks1764900000000,
  countyInboundMigration(1764900000001),
  countyInboundRetentionMigration(1764990000000),
  CountyLinkTakeover1764990000001,
  // Idempotency-Key answers per caller (libs/http, ADR 0072).
  idempotencyKeysMigration(1765600000000),
  IdNumberCheckUsage1766200000000,
  // A transfer can end without a decision; transfers left stuck are put right (ADR 0120).
  TransfersEnd1766400000120,
  // Rows held for review have a budget of their own (ADR 0126).
  IdNumberHoldBudget1766600000126,
  // Deleted ids are kept, so republishing sends their removals again (ADR 0130).
  RosterDeleted1766800000130,
  // Active probationary members, for the lists of who is due for 转正 (ADR 0154).
  MembersProbationaryIndex1766900000154,
];
