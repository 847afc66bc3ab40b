import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roster's removals (ADR 0130): the version of each signed removal the organization service
 * published for a row truly deleted. The row goes; its removal's version stays, so an older state
 * of that key replayed afterwards is not applied, and a newer one (the id inserted again) is.
 */
export class RosterRemovals1766700000130 implements MigrationInterface {
  readonly name = 'RosterRemovals1766700000130';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table roster_removals (
        kind text not null check (kind in ('organization', 'member')),
        id uuid not null,
        version bigint not null,
        primary key (kind, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists roster_removals`);
  }
}
