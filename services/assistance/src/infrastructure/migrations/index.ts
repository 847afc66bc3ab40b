import type { MigrationInterface } from 'typeorm';
import { countyInboundMigration, countyInboundRetentionMigration } from '@vanguard/county-inbound';
import { outboxMigration } from '@vanguard/messaging';
import { Assistance1764900000000 } from './1764900000000-assistance.migration';
import { AssistanceCounty1764900000002 } from './1764900000002-county.migration';

/** Every migration of the assistance schema, oldest first. */
export const assistanceMigrations: (new () => MigrationInterface)[] = [
  Assistance1764900000000,
  outboxMigration(1764900000001),
  AssistanceCounty1764900000002,
  countyInboundMigration(1764900000003),
  countyInboundRetentionMigration(1764990000000),
];
