import type { MigrationInterface } from 'typeorm';

/** The mass-evaluation slice's read side; timestamps from 1764730000000 up, oldest first. */
export const massEvaluationMigrations: (new () => MigrationInterface)[] = [];
