import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event-carried state transfer (ADR 0020): statement-level triggers note every organisation and
 * member whose published state may have changed in `roster_state_changes`, so no write path —
 * commands, roster imports, bulk seeding, ad-hoc SQL — can forget to publish. One multi-row insert
 * per statement (transition tables), no extra round trip; the roster-state relay reads the
 * current rows, publishes them to the compacted state topics and deletes the notes.
 * Contact points are part of their organisation's state. Updates note only rows whose published
 * columns changed. Existing rows are noted once here, so the first relay run publishes them all.
 */
export class RosterStateChanges1764710000000 implements MigrationInterface {
  name = 'RosterStateChanges1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table roster_state_changes (
        seq bigserial primary key,
        kind text not null check (kind in ('organization','member')),
        entity_id uuid not null
      )`);
    // The relay numbers each state it reads from this sequence: a later read, a higher version.
    await q.query(`create sequence roster_state_version_seq`);
    const fn = (name: string, body: string) =>
      q.query(`create function ${name}() returns trigger language plpgsql set search_path from current as $$
        begin ${body} return null; end $$`);
    await fn(
      'roster_note_inserted_organizations',
      `insert into roster_state_changes (kind, entity_id) select 'organization', id from new_rows;`,
    );
    await fn(
      'roster_note_updated_organizations',
      `insert into roster_state_changes (kind, entity_id)
         select 'organization', n.id from new_rows n join old_rows o on o.id = n.id
          where (n.parent_id, n.path, n.code, n.name, n.level, n.kind, n.sector, n.status, n.merged_into_id)
                is distinct from (o.parent_id, o.path, o.code, o.name, o.level, o.kind, o.sector, o.status, o.merged_into_id);`,
    );
    // A row truly deleted (a benchmark's cleanup, say) is noted too: the relay publishes a tombstone.
    await fn(
      'roster_note_deleted_organizations',
      `insert into roster_state_changes (kind, entity_id) select 'organization', id from old_rows;`,
    );
    await fn('roster_note_deleted_members', `insert into roster_state_changes (kind, entity_id) select 'member', id from old_rows;`);
    await fn('roster_note_inserted_members', `insert into roster_state_changes (kind, entity_id) select 'member', id from new_rows;`);
    await fn(
      'roster_note_updated_members',
      `insert into roster_state_changes (kind, entity_id)
         select 'member', n.id from new_rows n join old_rows o on o.id = n.id
          where (n.org_id, n.status, n.membership, n.roles, n.posts) is distinct from (o.org_id, o.status, o.membership, o.roles, o.posts);`,
    );
    await fn(
      'roster_note_contact_points',
      `if tg_op in ('INSERT', 'UPDATE') then
         insert into roster_state_changes (kind, entity_id) select distinct 'organization', org_id from new_rows;
       end if;
       if tg_op in ('UPDATE', 'DELETE') then
         insert into roster_state_changes (kind, entity_id) select distinct 'organization', org_id from old_rows;
       end if;`,
    );
    const trigger = (table: string, op: string, fnName: string, refs: string) =>
      q.query(
        `create trigger roster_state_${op.toLowerCase()} after ${op} on ${table} referencing ${refs} for each statement execute function ${fnName}()`,
      );
    await trigger('organizations', 'INSERT', 'roster_note_inserted_organizations', 'new table as new_rows');
    await trigger('organizations', 'UPDATE', 'roster_note_updated_organizations', 'old table as old_rows new table as new_rows');
    await trigger('organizations', 'DELETE', 'roster_note_deleted_organizations', 'old table as old_rows');
    await trigger('members', 'INSERT', 'roster_note_inserted_members', 'new table as new_rows');
    await trigger('members', 'UPDATE', 'roster_note_updated_members', 'old table as old_rows new table as new_rows');
    await trigger('members', 'DELETE', 'roster_note_deleted_members', 'old table as old_rows');
    await trigger('contact_points', 'INSERT', 'roster_note_contact_points', 'new table as new_rows');
    await trigger('contact_points', 'UPDATE', 'roster_note_contact_points', 'old table as old_rows new table as new_rows');
    await trigger('contact_points', 'DELETE', 'roster_note_contact_points', 'old table as old_rows');
    await q.query(`insert into roster_state_changes (kind, entity_id) select 'organization', id from organizations order by path`);
    await q.query(`insert into roster_state_changes (kind, entity_id) select 'member', id from members order by id`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, op] of [
      ['organizations', 'insert'],
      ['organizations', 'update'],
      ['organizations', 'delete'],
      ['members', 'insert'],
      ['members', 'update'],
      ['members', 'delete'],
      ['contact_points', 'insert'],
      ['contact_points', 'update'],
      ['contact_points', 'delete'],
    ])
      await q.query(`drop trigger if exists roster_state_${op} on ${table}`);
    for (const f of [
      'roster_note_inserted_organizations',
      'roster_note_updated_organizations',
      'roster_note_inserted_members',
      'roster_note_updated_members',
      'roster_note_deleted_organizations',
      'roster_note_deleted_members',
      'roster_note_contact_points',
    ])
      await q.query(`drop function if exists ${f}()`);
    await q.query(`drop sequence if exists roster_state_version_seq`);
    await q.query(`drop table if exists roster_state_changes`);
  }
}
