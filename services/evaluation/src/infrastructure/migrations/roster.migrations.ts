import type { MigrationInterface } from 'typeorm';
import { RosterProjection1764700000000 } from './1764700000000-roster-projection.migration';

/** The roster slice's read side; timestamps from 1764700000000 up, oldest first. */
export const rosterMigrations: (new () => MigrationInterface)[] = [RosterProjection1764700000000];
