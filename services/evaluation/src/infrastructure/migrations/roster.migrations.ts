import type { MigrationInterface } from 'typeorm';
import { RosterProjection1764700000000 } from './1764700000000-roster-projection.migration';
import { RosterMemberPosts1764700000001 } from './1764700000001-roster-member-posts.migration';

/** The roster slice's read side; timestamps from 1764700000000 up, oldest first. */
export const rosterMigrations: (new () => MigrationInterface)[] = [RosterProjection1764700000000, RosterMemberPosts1764700000001];
