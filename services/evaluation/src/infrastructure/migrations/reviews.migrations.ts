import type { MigrationInterface } from 'typeorm';

/** The reviews slice's read side; timestamps from 1764740000000 up, oldest first. */
export const reviewsMigrations: (new () => MigrationInterface)[] = [];
