import type { MigrationInterface } from 'typeorm';
import { outboxMigration } from '@vanguard/messaging';
import { OrganizationTree1732240000000 } from './1732240000000-organization-tree.migration';

/** Every migration of the organization schema, oldest first. */
export const organizationMigrations: (new () => MigrationInterface)[] = [OrganizationTree1732240000000, outboxMigration(1732240000001)];
