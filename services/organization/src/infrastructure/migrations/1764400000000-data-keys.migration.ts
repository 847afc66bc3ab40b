import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service's data keys, wrapped under the operator's key-encryption key (ADR: envelope
 * encryption). The columns are those @vanguard/keys reads; written out here so the
 * migration stays as it ran.
 */
export class DataKeys1764400000000 implements MigrationInterface {
  name = 'DataKeys1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists data_keys (
        key_id         text primary key,
        purpose        text not null check (purpose in ('data', 'index')),
        kek_id         text not null,
        wrapped        bytea not null,
        created_under  text not null,
        created_at     timestamptz not null default now(),
        activated_at   timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists data_keys`);
  }
}
