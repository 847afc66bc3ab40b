import type { MigrationInterface } from 'typeorm';

/** The assessments slice's read side; timestamps from 1764750000000 up, oldest first. */
export const assessmentsMigrations: (new () => MigrationInterface)[] = [];
