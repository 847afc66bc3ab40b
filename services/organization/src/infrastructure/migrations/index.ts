import type { MigrationInterface } from 'typeorm';

/** Every migration of the organization schema, oldest first. */
export const organizationMigrations: (new () => MigrationInterface)[] = [];
