import type { MigrationInterface } from 'typeorm';

/** The benchmarks-pioneers slice's read side; timestamps from 1764760000000 up, oldest first. */
export const benchmarksPioneersMigrations: (new () => MigrationInterface)[] = [];
