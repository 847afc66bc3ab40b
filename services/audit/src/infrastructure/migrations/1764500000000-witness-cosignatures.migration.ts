import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The checkpoints the audit service published and the county witnesses' cosignatures of them
 * (ADR 0041). Run by the admin, as the trail store is: the tables are the admin's and the
 * service role `vg_audit` may only insert and read them, so what was published and who
 * cosigned it cannot be rewritten through the service. A fork by the service itself (another
 * root at a size already published) hits the primary key. `store` is the audited store's schema
 * (`evaluation`, `commendation`; tests audit schemas of their own).
 */
export class WitnessCosignatures1764500000000 implements MigrationInterface {
  name = 'WitnessCosignatures1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table audit.log_checkpoints (
        store text not null,
        size bigint not null check (size >= 0),
        root text not null,
        note text not null,
        published_at timestamptz not null default now(),
        primary key (store, size)
      )`);
    await q.query(`
      create table audit.checkpoint_cosignatures (
        store text not null,
        size bigint not null,
        witness text not null,
        key_id text not null,
        cosigned_at bigint not null,
        line text not null,
        received_at timestamptz not null default now(),
        primary key (store, size, witness),
        foreign key (store, size) references audit.log_checkpoints (store, size)
      )`);
    await q.query(`grant select, insert on audit.log_checkpoints, audit.checkpoint_cosignatures to vg_audit`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table audit.checkpoint_cosignatures`);
    await q.query(`drop table audit.log_checkpoints`);
  }
}
