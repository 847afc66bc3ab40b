import type { MigrationInterface } from 'typeorm';
import { RosterProjection1764700000000 } from './1764700000000-roster-projection.migration';
import { RosterMemberPosts1764700000001 } from './1764700000001-roster-member-posts.migration';
import { RosterRemovals1766700000130 } from './1766700000130-roster-removals.migration';

/** The roster slice's read side; timestamps from 1764700000000 up, oldest first. */
export const rosterMigrations: (new () => MigrationInterface)[] = [
  RosterProjection1764700000000,
  RosterMemberPosts1764700000001,
  // Signed removals keep their version, so an older state replayed does not bring a removed row back (ADR 0130).
  RosterRemovals1766700000130,
];
