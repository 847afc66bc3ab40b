import type { MigrationInterface } from 'typeorm';

/** The comments slice's read side; timestamps from 1764720000000 up, oldest first. */
export const commentsMigrations: (new () => MigrationInterface)[] = [];
