import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single enrolment checks ID numbers too (ADR 0011): a check is an import's or an
 * enrolment's, and only imports count against the budget of jobs (an enrolment counts
 * one ID number).
 */
export class IdNumberCheckSource1764600000000 implements MigrationInterface {
  name = 'IdNumberCheckSource1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table id_number_checks add column if not exists source text not null default 'import'`);
    await q.query(`alter table id_number_checks add constraint id_number_checks_source_check check (source in ('import', 'enrolment'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table id_number_checks drop column if exists source`);
  }
}
