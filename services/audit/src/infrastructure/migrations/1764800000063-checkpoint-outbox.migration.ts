import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of the checkpoint events (ADR 0063): `audit.CheckpointSigned` and
 * `audit.CheckpointWitnessed` are written here in the transaction that publishes a checkpoint or
 * completes its quorum, and the audit service's relay carries them to
 * `vanguard.audit.checkpoints.v1`. The table is libs/messaging's outbox (its relay reads it), its
 * DDL written out here rather than called, so a later change of the library cannot change what
 * this checksummed migration ran. Run by the admin like the checkpoint tables: `vg_audit` may add
 * events and stamp `published_at`, never rewrite or delete an event.
 */
export class CheckpointOutbox1764800000063 implements MigrationInterface {
  name = 'CheckpointOutbox1764800000063';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table audit.vanguard_outbox (
        id bigserial primary key,
        event_id uuid not null unique,
        event_type text not null,
        event_version integer not null,
        stream_id text not null,
        topic text not null,
        envelope jsonb not null,
        created_at timestamptz not null default now(),
        published_at timestamptz
      )`);
    await q.query(`create index vanguard_outbox_unpublished on audit.vanguard_outbox (id) where published_at is null`);
    // The start-up sweep looks for a checkpoint's event by its log's stream.
    await q.query(`create index vanguard_outbox_stream on audit.vanguard_outbox (stream_id, event_type)`);
    // The relay wakes on this channel (libs/messaging outboxNotifyDdl, for the schema audit and this table).
    await q.query(`
      create function audit.vanguard_outbox_notify() returns trigger language plpgsql as $fn$
      begin
        perform pg_notify('vanguard_outbox_' || tg_table_schema || '.' || tg_table_name, '');
        return null;
      end
      $fn$`);
    await q.query(`
      create trigger vanguard_outbox_notify after insert on audit.vanguard_outbox
        for each statement execute function audit.vanguard_outbox_notify()`);
    await q.query(`
      create table audit.vanguard_relay_dead_letters (
        source text not null,
        event_id text not null,
        event_type text,
        stream_id text,
        stream_version bigint,
        topic text,
        reason text not null,
        error text not null,
        envelope jsonb,
        dead_lettered_at timestamptz not null default now(),
        primary key (source, event_id)
      )`);
    await q.query(`grant select, insert on audit.vanguard_outbox, audit.vanguard_relay_dead_letters to vg_audit`);
    await q.query(`grant update (published_at) on audit.vanguard_outbox to vg_audit`);
    await q.query(`grant usage on sequence audit.vanguard_outbox_id_seq to vg_audit`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table audit.vanguard_relay_dead_letters`);
    await q.query(`drop table audit.vanguard_outbox`);
    await q.query(`drop function audit.vanguard_outbox_notify()`);
  }
}
