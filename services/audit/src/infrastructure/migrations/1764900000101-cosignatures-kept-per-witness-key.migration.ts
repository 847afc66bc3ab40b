import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A witness's cosignatures are kept per key (ADR 0101): a witness that rotated its key adds its new
 * cosignature beside the old one, which no longer verifies under the configured key and so no
 * longer counts, rather than being refused by a row it cannot replace. The table stays
 * insert-only for `vg_audit`: the old line is kept as what that key said.
 */
export class CosignaturesKeptPerWitnessKey1764900000101 implements MigrationInterface {
  name = 'CosignaturesKeptPerWitnessKey1764900000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table audit.checkpoint_cosignatures
        drop constraint checkpoint_cosignatures_pkey,
        add primary key (store, size, witness, key_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table audit.checkpoint_cosignatures
        drop constraint checkpoint_cosignatures_pkey,
        add primary key (store, size, witness)`);
  }
}
