import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A project list may name its villages by organisation code (村组织代码): found by an index, not a scan of the province. */
export class AssistanceRosterOrganizationCodes1765600000011 implements MigrationInterface {
  readonly name = 'AssistanceRosterOrganizationCodes1765600000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index roster_organizations_code_idx on roster_organizations (code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index roster_organizations_code_idx`);
  }
}
