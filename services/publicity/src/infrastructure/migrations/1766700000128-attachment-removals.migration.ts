import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who removed an attachment, and what it was (ADR 0128). A removal deletes the row with its
 * bytes, and with it the `uploaded_by` that was the only trace of the file: the statement that
 * deletes it writes this record too, so the two commit together or not at all. No bytes are
 * kept, and nothing reads it over HTTP: it is for whoever has to answer what happened to a file.
 * Attachments store no file name (the stored id names a download), so none is recorded.
 */
export class AttachmentRemovals1766700000128 implements MigrationInterface {
  readonly name = 'AttachmentRemovals1766700000128';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table attachment_removals (
        attachment_id uuid primary key,
        owner_kind text not null check (owner_kind in ('article', 'exemplar')),
        owner_id uuid not null,
        content_type text not null,
        size integer not null,
        sha256 text not null,
        uploaded_by text not null,
        uploaded_at timestamptz not null,
        removed_by text not null,
        removed_at timestamptz not null
      )`);
    await q.query(`create index attachment_removals_owner_idx on attachment_removals (owner_kind, owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists attachment_removals`);
  }
}
