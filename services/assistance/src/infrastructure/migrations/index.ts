import { idempotencyKeysMigration } from '@vanguard/http';
import type { MigrationInterface } from 'typeorm';
import { countyInboundMigration, countyInboundRetentionMigration, countyMemberLinksTakeOverMigration } from '@vanguard/county-inbound';
import { outboxMigration } from '@vanguard/messaging';
import { Assistance1764900000000 } from './1764900000000-assistance.migration';
import { AssistanceCounty1764900000002 } from './1764900000002-county.migration';
import { AssistanceBudgetGuard1765100000061 } from './1765100000061-budget-guard.migration';
import { AssistanceBudgetGuardRecount1765100000062 } from './1765100000062-budget-guard-recount.migration';
import { AssistanceFundTotals1765100000071 } from './1765100000071-fund-totals.migration';
import { AssistanceFundTotalsRowTrigger1765100000072 } from './1765100000072-fund-totals-row-trigger.migration';
import { AssistanceProjectLockedWithBalances1765600000010 } from './1765600000010-project-locked-with-balances.migration';
import { AssistanceRosterOrganizationCodes1765600000011 } from './1765600000011-roster-organization-codes.migration';
import { AssistanceProjectLockedWithPlannedOn1765700000012 } from './1765700000012-project-locked-with-planned-on.migration';
import { AssistanceRosterRemovals1766700000130 } from './1766700000130-roster-removals.migration';
import { AssistanceProjectApprovedOn1766800000140 } from './1766800000140-project-approved-on.migration';

/** Every migration of the assistance schema, oldest first. */
export const assistanceMigrations: (new () => MigrationInterface)[] = [
  Assistance1764900000000,
  outboxMigration(1764900000001),
  AssistanceCounty1764900000002,
  countyInboundMigration(1764900000003),
  countyInboundRetentionMigration(1764990000000),
  // A link ended by a take-over is kept, so its county id is answered COUNTY.MEMBER_TAKEN_OVER (ADR 0048).
  countyMemberLinksTakeOverMigration(1764990000001),
  // The database guards a project's budget, not only the domain under the project's lock (ADR 0061).
  AssistanceBudgetGuard1765100000061,
  // ... recounted under locks: the first fill could miss a writer that ran beside it (ADR 0061).
  AssistanceBudgetGuardRecount1765100000062,
  // Fund totals per organisation kept in slots by triggers, so a county's totals read its own rows (ADR 0071).
  AssistanceFundTotals1765100000071,
  // ... a money command's balance update keeps them through a row trigger, cheaper than the statement trigger (ADR 0071).
  AssistanceFundTotalsRowTrigger1765100000072,
  // Idempotency-Key answers per caller (libs/http, ADR 0072).
  idempotencyKeysMigration(1765600000000),
  // A money command's lock and balances in one round trip, the balances in a snapshot taken after the lock.
  AssistanceProjectLockedWithBalances1765600000010,
  // A project list may name villages by organisation code: the roster copy's codes indexed.
  AssistanceRosterOrganizationCodes1765600000011,
  // ... and the day the project was planned, which nothing of its money is dated before.
  AssistanceProjectLockedWithPlannedOn1765700000012,
  // Signed removals keep their version, so an older state replayed does not bring a removed row back (ADR 0130).
  AssistanceRosterRemovals1766700000130,
  // The day a project was approved, which none of its money is dated before.
  AssistanceProjectApprovedOn1766800000140,
];
