import type { MigrationInterface } from 'typeorm';
import { outboxMigration } from '@vanguard/messaging';
import { Assistance1764900000000 } from './1764900000000-assistance.migration';

/** Every migration of the assistance schema, oldest first. */
export const assistanceMigrations: (new () => MigrationInterface)[] = [Assistance1764900000000, outboxMigration(1764900000001)];
