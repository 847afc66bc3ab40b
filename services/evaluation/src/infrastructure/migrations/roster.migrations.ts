import type { MigrationInterface } from 'typeorm';

/** The roster slice's read side; timestamps from 1764700000000 up, oldest first. */
export const rosterMigrations: (new () => MigrationInterface)[] = [];
