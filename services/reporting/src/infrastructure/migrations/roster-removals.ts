import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organization service's signed removals (ADR 0130): the version of each, by key. A verified
 * removal deletes the row where older and keeps its version here, so an older state of that key
 * replayed afterwards is applied neither to the live tables nor to a rebuild's shadows (one table
 * for both: a rebuild keeps every removal, also one whose tombstone compaction has since dropped).
 */
export class ReportingRosterRemovals1766700000130 implements MigrationInterface {
  readonly name = 'ReportingRosterRemovals1766700000130';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists rpt_roster_removal (
        kind text not null check (kind in ('organization', 'member')),
        id uuid not null,
        version bigint not null,
        primary key (kind, id)
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists rpt_roster_removal');
  }
}
