import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ids of organisations and members truly deleted are kept (ADR 0130), so republishing every
 * state (`noteEveryState`) sends their signed removals again as well. Compaction drops a key's
 * tombstone a day after it reaches it; an older genuine state of the key written after the
 * removal (a lapsed publisher's batch, a replay) would then be the key's last record, and a
 * consumer starting on an empty copy would apply it. Republishing the removal puts a newer
 * tombstone after it. The delete triggers of `RosterStateChanges1764710000000` note the row as
 * before and now remember its id too, in the same statement.
 */
export class RosterDeleted1766800000130 implements MigrationInterface {
  name = 'RosterDeleted1766800000130';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table roster_deleted (
        kind text not null check (kind in ('organization','member')),
        entity_id uuid not null,
        deleted_at timestamptz not null default now(),
        primary key (kind, entity_id)
      )`);
    for (const kind of ['organization', 'member'] as const)
      await q.query(`create or replace function roster_note_deleted_${kind}s() returns trigger language plpgsql
        set search_path from current as $$
        begin
          insert into roster_state_changes (kind, entity_id) select '${kind}', id from old_rows;
          insert into roster_deleted (kind, entity_id) select '${kind}', id from old_rows
            on conflict (kind, entity_id) do update set deleted_at = excluded.deleted_at;
          return null;
        end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const kind of ['organization', 'member'] as const)
      await q.query(`create or replace function roster_note_deleted_${kind}s() returns trigger language plpgsql
        set search_path from current as $$
        begin insert into roster_state_changes (kind, entity_id) select '${kind}', id from old_rows; return null; end $$`);
    await q.query(`drop table if exists roster_deleted`);
  }
}
