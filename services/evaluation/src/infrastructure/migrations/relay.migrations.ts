import type { MigrationInterface } from 'typeorm';

/** The relay slice's read side; timestamps from 1764710000000 up, oldest first. */
export const relayMigrations: (new () => MigrationInterface)[] = [];
